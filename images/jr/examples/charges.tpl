{{- /* Example payment "charge" event (one JSON object per Kafka message).
       The real templates are written by the project; this one exercises the
       features documented in README.md (verified with JR 0.4.0). */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- add_v_to_list "charge_ids" $id -}}
{{- $r := integer 0 100 -}}
{{- $type := randoms "charge|charge|charge|authorization" -}}
{{- $status := "pending" -}}
{{- if eq $type "charge" }}{{ $status = "succeeded" }}{{ end -}}
{{- $cents := integer 1 100000 -}}
{{- $now := now -}}
{
  "event_id": "{{ $id }}",
  "event_type": "{{ $type }}",
  "status": "{{ $status }}",
  "customer_id": "cus_{{ integer 1 1001 }}",
  "amount": {{ div $cents 100 }}.{{ printf "%02d" (mod $cents 100) }},
  "currency": "{{ if lt $r 90 }}USD{{ else }}usd{{ end }}",
  "quantity": {{ integer 1 11 }},
  "created_at": "{{ format_timestamp (sub64 $now (mul64 (integer64 0 3600) 1000)) "2006-01-02 15:04:05.000" }}",
  "emitted_at": "{{ format_timestamp $now "2006-01-02 15:04:05.000" }}"
}
