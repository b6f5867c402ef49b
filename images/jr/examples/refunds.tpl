{{- /* Example "refund" event referring to a charge emitted by charges.tpl.
       random_v_from_list only sees ids added by add_v_to_list in the SAME JR
       process: run both templates as two emitters of one `jr emitter run`
       (see emitters.json). In a separate process the list is empty and
       charge_id would be "" (README, section f). */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- $charge := random_v_from_list "charge_ids" -}}
{{- $cents := integer 1 10000 -}}
{
  "event_id": "{{ $id }}",
  "event_type": "refund",
  "charge_id": "{{ $charge }}",
  "amount": {{ div $cents 100 }}.{{ printf "%02d" (mod $cents 100) }},
  "reason": "{{ randoms "requested_by_customer|duplicate|fraudulent" }}",
  "created_at": "{{ format_timestamp now "2006-01-02 15:04:05.000" }}"
}
