{{- /* payment_refunds: one JSON object per message; the message key is the event id.
     Names in double at-signs are rates per 10,000 events, filled in by render.py from the stack config,
     or domain values from payments/ (id spaces in parties.py, value lists in vocabulary.py).
     Each refund refunds a charge that the charges template emitted in the same JR process (the list
     "charges": charge_id|customer_id|merchant_id|provider|currency|amount in minor units|created_at), so its
     customer, merchant, provider and currency are the charge's, its amount at most the charge's, and it
     is created no earlier than the charge. The list is empty only if no charge was emitted yet (the
     charges emitter preloads some); such a refund would have an empty charge id. */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- $pick := random_v_from_list "charges" -}}
{{- if not $pick }}{{ $pick = "||||@@DEFAULT_CURRENCY@@|100|" }}{{ end -}}
{{- $charge := split $pick "|" -}}
{{- $charge_cents := atoi (index $charge 5) -}}
{{- $fmt := "2006-01-02 15:04:05.000" -}}
{{- $now := now -}}
{{- $action := randoms "created|succeeded|succeeded|succeeded|failed" -}}
{{- $status := "pending" -}}
{{- if ne $action "created" }}{{ $status = $action }}{{ end -}}
{{- $status_json := printf "\"%s\"" $status -}}
{{- if lt (integer 0 10000) @@NULL_STATUS@@ }}{{ $status_json = randoms "null|\"null\"|\"NULL\"|\"\"" }}{{ end -}}
{{- /* created with the event, or up to 5 minutes before it, but never before its charge */ -}}
{{- $created_at := format_timestamp $now $fmt -}}
{{- if ne $action "created" -}}
  {{- $created_at = format_timestamp (sub64 $now (mul64 (integer64 1 300) 1000)) $fmt -}}
  {{- if lt $created_at (index $charge 6) }}{{ $created_at = index $charge 6 }}{{ end -}}
{{- end -}}
{{- /* a full refund, or a part of the charge */ -}}
{{- $cents := $charge_cents -}}
{{- if and (lt (integer 0 100) 40) (gt $charge_cents 1) }}{{ $cents = integer 1 $charge_cents }}{{ end -}}
{{- $amount := printf "%d.%02d" (div $cents 100) (mod $cents 100) -}}
{{- if eq (index $charge 4) @@WHOLE_CURRENCIES@@ }}{{ $amount = printf "%d" $cents }}{{ end -}}
{{- /* injected amounts are whole, so in any currency they break only their own rule */ -}}
{{- if lt (integer 0 10000) @@AMOUNT_NON_POSITIVE@@ }}{{ $amount = randoms "0.00|-5.00|-120.00" }}{{ end -}}
{{- if lt (integer 0 10000) @@AMOUNT_TOO_LARGE@@ }}{{ $amount = randoms "1000001.00|2500000.00" }}{{ end -}}
{{- $currency := index $charge 4 -}}
{{- if lt (integer 0 10000) @@UNKNOWN_CURRENCY@@ }}{{ $currency = randoms "XYZ|ABC|BTC" }}{{ end -}}
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
{{- $reason := randoms "@@REFUND_REASONS@@" -}}
{{- $requested_by := randoms "customer|customer|support_agent" -}}
{{- if ne $reason "requested_by_customer" }}{{ $requested_by = randoms "merchant|support_agent" }}{{ end -}}
{{- if lt (integer 0 10000) @@INCONSISTENT_REASON@@ -}}
  {{- /* another format of the same reason; hyphens only where there is more than one word */ -}}
  {{- $variants := printf "%s|%s" (title (replaceall $reason "_" " ")) (upper $reason) -}}
  {{- if eq $reason "requested_by_customer" }}{{ $variants = printf "%s|%s" $variants (replaceall $reason "_" "-") }}{{ end -}}
  {{- $reason = randoms $variants -}}
{{- end -}}
{{- $failure_reason := "null" -}}
{{- if eq $action "failed" -}}
  {{- $failure_reason = printf "\"%s\"" (randoms "@@REFUND_FAILURE_REASONS@@") -}}
{{- end -}}
{{- $nulls := "null|\"null\"|\"NULL\"|\"\"" -}}
{{- $order := printf "\"ord_%d\"" (integer 100000 999999) -}}
{{- if lt (integer 0 10000) @@NULL_VARIATION@@ }}{{ $order = randoms $nulls }}{{ end -}}
{{- $ticket := printf "\"T-%06d\"" (integer 1 1000000) -}}
{{- if lt (integer 0 10000) @@NULL_VARIATION@@ }}{{ $ticket = randoms $nulls }}{{ end -}}
{{- if lt (integer 0 10000) @@MALFORMED@@ -}}
{"event_id": "{{ $id }}", "event_type": "refund.{{ $action }}", {{ $charge_field }} "amount": {{ $amount }}, "reason": "{{ $reason }}
{{- else -}}
{
  "event_id": "{{ $id }}",
  "event_type": "refund.{{ $action }}",
  "provider": "{{ index $charge 3 }}",
  "customer_id": {{ $customer }},
  "merchant_id": "{{ index $charge 2 }}",
  "amount": {{ $amount }},
  "currency": "{{ $currency }}",
  "created_at": "{{ $created_at }}",
  "updated_at": "{{ format_timestamp $now $fmt }}",
  "refund_id": "re_{{ replaceall uuid "-" "" }}",
  {{ $charge_field }}
  "status": {{ $status_json }},
  "reason": "{{ $reason }}",
  "failure_reason": {{ $failure_reason }},
  "metadata": {"refund_requested_by": "{{ $requested_by }}", "original_order_id": {{ $order }}, "support_ticket_id": {{ $ticket }}}
}
{{- end -}}
