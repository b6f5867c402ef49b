{{- /* payment_charges: one JSON object per message; the message key is the event id.
     Names in double at-signs are rates per 10,000 events, filled in by render.py from the stack config,
     or domain values from payments/ (id spaces in parties.py, value lists in vocabulary.py).
     Every injected problem is drawn independently, so its observed rate can be checked.
     Succeeded, well-formed charges without rule-breaking problems go to the list "charges" (shared by
     the emitters of one JR process), which refunds and disputes draw their charge from. */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- $charge_id := printf "ch_%s" (replaceall uuid "-" "") -}}
{{- $referable := true -}}
{{- $now := now -}}
{{- $created := sub64 $now (mul64 (integer64 0 600) 1000) -}}
{{- $status := randoms "succeeded|succeeded|succeeded|succeeded|succeeded|succeeded|failed|failed|pending" -}}
{{- $currency := randoms "@@CURRENCIES@@" -}}
{{- $valid_currency := $currency -}}
{{- /* in the currency's minor unit: cents, or yen for a currency without decimals (ISO 4217) */ -}}
{{- $cents := integer 100 50000 -}}
{{- $amount := printf "%d.%02d" (div $cents 100) (mod $cents 100) -}}
{{- if eq $currency @@WHOLE_CURRENCIES@@ }}{{ $amount = printf "%d" $cents }}{{ end -}}
{{- /* injected amounts are whole, so in any currency they break only their own rule */ -}}
{{- if lt (integer 0 10000) @@AMOUNT_NON_POSITIVE@@ }}{{ $amount = randoms "0.00|-5.00|-120.00" }}{{ $referable = false }}{{ end -}}
{{- if lt (integer 0 10000) @@AMOUNT_TOO_LARGE@@ }}{{ $amount = randoms "1000001.00|2500000.00" }}{{ $referable = false }}{{ end -}}
{{- if lt (integer 0 10000) @@MIXED_CASE_CURRENCY@@ }}{{ $currency = randoms (printf "%s|%s%s" (lower $currency) (substr 0 1 $currency) (lower (substr 1 3 $currency))) }}{{ end -}}
{{- if lt (integer 0 10000) @@UNKNOWN_CURRENCY@@ }}{{ $currency = randoms "XYZ|ABC|BTC" }}{{ $referable = false }}{{ end -}}
{{- $customer_id := printf "@@CUSTOMER_ID_FORMAT@@" (integer @@CUSTOMER_ID_FIRST@@ @@CUSTOMER_ID_END@@) -}}
{{- if lt (integer 0 10000) @@UNKNOWN_CUSTOMER@@ }}{{ $customer_id = printf "@@UNKNOWN_CUSTOMER_ID_FORMAT@@" (integer @@UNKNOWN_CUSTOMER_ID_FIRST@@ @@UNKNOWN_CUSTOMER_ID_END@@) }}{{ end -}}
{{- $customer := printf "\"%s\"" $customer_id -}}
{{- if lt (integer 0 10000) @@MISSING_CUSTOMER_ID@@ }}{{ $customer = randoms "null|\"null\"|\"\"" }}{{ $referable = false }}{{ end -}}
{{- $provider := randoms "@@PROVIDERS@@" -}}
{{- $merchant := printf "@@MERCHANT_ID_FORMAT@@" (integer @@MERCHANT_ID_FIRST@@ @@MERCHANT_ID_END@@) -}}
{{- $created_at := format_timestamp $created "2006-01-02 15:04:05.000" -}}
{{- $country := country_random -}}
{{- $card_country := printf "\"%s\"" $country -}}
{{- if lt (integer 0 10000) @@INVALID_COUNTRY@@ }}{{ $card_country = randoms "\"342\"|\"999\"|\"XX\"" }}{{ end -}}
{{- $nulls := "null|\"null\"|\"NULL\"|\"\"" -}}
{{- $postal := printf "\"%s\"" zip -}}
{{- if lt (integer 0 10000) @@NULL_VARIATION@@ }}{{ $postal = randoms $nulls }}{{ end -}}
{{- $description := printf "\"Order %d\"" (integer 1000 99999) -}}
{{- if lt (integer 0 10000) @@NULL_VARIATION@@ }}{{ $description = randoms $nulls }}{{ end -}}
{{- $score := integer 0 @@RISK_SCORE_END@@ -}}
{{- $level := "low" -}}{{- if ge $score @@RISK_MEDIUM_FROM@@ }}{{ $level = "medium" }}{{ end }}{{ if ge $score @@RISK_HIGH_FROM@@ }}{{ $level = "high" }}{{ end -}}
{{- $failure_code := "null" -}}{{- $failure_message := "null" -}}
{{- if eq $status "failed" -}}
  {{- $code := randoms "@@CHARGE_FAILURE_CODES@@" -}}
  {{- $failure_code = printf "\"%s\"" $code -}}
  {{- $failure_message = printf "\"The charge failed: %s\"" (replaceall $code "_" " ") -}}
{{- end -}}
{{- $method := randoms "card|card|card|bank_account|digital_wallet" -}}
{{- $malformed := lt (integer 0 10000) @@MALFORMED@@ -}}
{{- if and $referable (eq $status "succeeded") (not $malformed) -}}
  {{- /* charge_id|customer_id|merchant_id|provider|currency|amount in minor units|created_at */ -}}
  {{- add_v_to_list "charges" (printf "%s|%s|%s|%s|%s|%d|%s" $charge_id $customer_id $merchant $provider $valid_currency $cents $created_at) -}}
{{- end -}}
{{- if $malformed -}}
{"event_id": "{{ $id }}", "event_type": "charge.{{ $status }}", "amount": {{ $amount }}, "currency": "{{ $currency }}
{{- else -}}
{
  "event_id": "{{ $id }}",
  "event_type": "charge.{{ $status }}",
  "provider": "{{ $provider }}",
  "customer_id": {{ $customer }},
  "merchant_id": "{{ $merchant }}",
  "amount": {{ $amount }},
  "currency": "{{ $currency }}",
  "created_at": "{{ $created_at }}",
  "updated_at": "{{ format_timestamp $now "2006-01-02 15:04:05.000" }}",
  "charge_id": "{{ $charge_id }}",
  "status": "{{ $status }}",
  "failure_code": {{ $failure_code }},
  "failure_message": {{ $failure_message }},
  "payment_method_id": "pm_{{ replaceall uuid "-" "" }}",
  "payment_method_type": "{{ $method }}",
  "card_brand": "{{ randoms "visa|mastercard|amex|discover" }}",
  "card_last4": "{{ printf "%04d" (integer 0 10000) }}",
  "card_exp_month": {{ integer 1 13 }},
  "card_exp_year": {{ integer 2027 2033 }},
  "card_country": {{ $card_country }},
  "billing_country": "{{ $country }}",
  "billing_postal_code": {{ $postal }},
  "merchant_name": "{{ company }}",
  "description": {{ $description }},
  "metadata": {"order_id": "ord_{{ integer 100000 999999 }}", "user_email": "{{ email }}", "subscription_id": null},
  "risk_score": {{ $score }},
  "risk_level": "{{ $level }}",
  "3ds_authenticated": {{ bool }}
}
{{- end -}}
