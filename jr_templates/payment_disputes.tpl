{{- /* payment_disputes: one JSON object per message; the message key is the event id.
     Names in double at-signs are rates per 10,000 events, filled in by render.py from the stack config,
     or domain values from payments/ (id spaces in parties.py, value lists in vocabulary.py).
     Each dispute disputes a charge that the charges template emitted in the same JR process (the list
     "charges", see payment_refunds.tpl): its customer, merchant, provider, currency and amount are the
     charge's, and it is created no earlier than the charge. */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- $pick := random_v_from_list "charges" -}}
{{- if not $pick }}{{ $pick = "||||@@DEFAULT_CURRENCY@@|100|" }}{{ end -}}
{{- $charge := split $pick "|" -}}
{{- $fmt := "2006-01-02 15:04:05.000" -}}
{{- $now := now -}}
{{- $day := mul64 86400 1000 -}}
{{- $action := randoms "created|created|updated|closed" -}}
{{- $status := "needs_response" -}}
{{- if eq $action "updated" }}{{ $status = "under_review" }}{{ end -}}
{{- if eq $action "closed" }}{{ $status = randoms "won|lost" }}{{ end -}}
{{- /* created with the event, or up to 10 minutes before it, but never before its charge */ -}}
{{- $created_at := format_timestamp $now $fmt -}}
{{- if ne $action "created" -}}
  {{- $created_at = format_timestamp (sub64 $now (mul64 (integer64 1 600) 1000)) $fmt -}}
  {{- if lt $created_at (index $charge 6) }}{{ $created_at = index $charge 6 }}{{ end -}}
{{- end -}}
{{- $cents := atoi (index $charge 5) -}}
{{- $amount := printf "%d.%02d" (div $cents 100) (mod $cents 100) -}}
{{- if eq (index $charge 4) @@WHOLE_CURRENCIES@@ }}{{ $amount = printf "%d" $cents }}{{ end -}}
{{- /* injected amounts are whole, so in any currency they break only their own rule */ -}}
{{- if lt (integer 0 10000) @@AMOUNT_NON_POSITIVE@@ }}{{ $amount = randoms "0.00|-5.00|-120.00" }}{{ end -}}
{{- if lt (integer 0 10000) @@AMOUNT_TOO_LARGE@@ }}{{ $amount = randoms "1000001.00|2500000.00" }}{{ end -}}
{{- $currency := printf "\"%s\"" (index $charge 4) -}}
{{- if lt (integer 0 10000) @@NULL_CURRENCY@@ }}{{ $currency = randoms "null|\"null\"|\"NULL\"|\"\"" }}{{ end -}}
{{- if lt (integer 0 10000) @@UNKNOWN_CURRENCY@@ }}{{ $currency = randoms "\"XYZ\"|\"ABC\"|\"BTC\"" }}{{ end -}}
{{- $customer := printf "\"%s\"" (index $charge 1) -}}
{{- if lt (integer 0 10000) @@MISSING_CUSTOMER_ID@@ }}{{ $customer = randoms "null|\"null\"|\"\"" }}{{ end -}}
{{- $charge_field := printf "\"charge_id\": \"%s\"," (index $charge 0) -}}
{{- if lt (integer 0 10000) @@MISSING_CHARGE_ID@@ -}}
  {{- $missing := integer 0 4 -}}
  {{- if eq $missing 0 }}{{ $charge_field = "" -}}
  {{- else if eq $missing 1 }}{{ $charge_field = "\"charge_id\": null," -}}
  {{- else if eq $missing 2 }}{{ $charge_field = "\"charge_id\": \"null\"," -}}
  {{- else }}{{ $charge_field = "\"charge_id\": \"\"," }}{{ end -}}
{{- end -}}
{{- /* a reason and its card network's reason code, drawn together */ -}}
{{- $reason_code := split (randoms "@@DISPUTE_REASON_CODES@@") ":" -}}
{{- $reason := index $reason_code 0 -}}
{{- $network := index $reason_code 1 -}}
{{- $network_json := printf "\"%s\"" $network -}}
{{- if lt (integer 0 10000) @@NULL_VARIATION@@ }}{{ $network_json = randoms "null|\"null\"|\"NULL\"|\"\"" }}{{ end -}}
{{- /* evidence is due 7 to 21 days after the event; it is submitted once the dispute is under review */ -}}
{{- $due := add64 $now (mul64 (integer64 7 22) $day) -}}
{{- $submitted := ne $status "needs_response" -}}
{{- $contacted := or $submitted (eq (randoms "yes|no") "yes") -}}
{{- $metadata := printf ", \"metadata\": {\"case_number\": \"CASE-%06d\", \"customer_contacted\": %t, \"evidence_submitted\": %t}" (integer 1 1000000) $contacted $submitted -}}
{{- if lt (integer 0 10000) @@MISSING_EVIDENCE@@ -}}
  {{- $missing := integer 0 4 -}}
  {{- if eq $missing 0 }}{{ $metadata = "" -}}
  {{- else if eq $missing 1 }}{{ $metadata = ", \"metadata\": null" -}}
  {{- else if eq $missing 2 }}{{ $metadata = printf ", \"metadata\": {\"case_number\": \"CASE-%06d\"}" (integer 1 1000000) -}}
  {{- else }}{{ $metadata = printf ", \"metadata\": {\"case_number\": \"CASE-%06d\", \"customer_contacted\": null, \"evidence_submitted\": null}" (integer 1 1000000) }}{{ end -}}
{{- end -}}
{{- if lt (integer 0 10000) @@MALFORMED@@ -}}
{"event_id": "{{ $id }}", "event_type": "dispute.{{ $action }}", {{ $charge_field }} "amount": {{ $amount }}, "reason": "{{ $reason }}
{{- else -}}
{
  "event_id": "{{ $id }}",
  "event_type": "dispute.{{ $action }}",
  "provider": "{{ index $charge 3 }}",
  "customer_id": {{ $customer }},
  "merchant_id": "{{ index $charge 2 }}",
  "amount": {{ $amount }},
  "currency": {{ $currency }},
  "created_at": "{{ $created_at }}",
  "updated_at": "{{ format_timestamp $now $fmt }}",
  "dispute_id": "dp_{{ replaceall uuid "-" "" }}",
  {{ $charge_field }}
  "status": "{{ $status }}",
  "reason": "{{ $reason }}",
  "evidence_due_by": "{{ format_timestamp $due $fmt }}",
  "is_charge_refundable": {{ and (eq $status "needs_response") (ne $reason "fraudulent") }},
  "network_reason_code": {{ $network_json }}
  {{- $metadata }}
}
{{- end -}}
