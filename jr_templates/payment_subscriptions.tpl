{{- /* payment_subscriptions: one JSON object per message; the message key is the event id.
     Names in double at-signs are rates per 10,000 events, filled in by render.py from the stack config,
     or domain values from payments/ (id spaces in parties.py, value lists in vocabulary.py). */ -}}
{{- $id := uuid -}}
{{- set_v "KEY" $id -}}
{{- $now := now -}}
{{- $day := mul64 86400 1000 -}}
{{- $action := randoms "created|updated|canceled|payment_failed|payment_succeeded|payment_succeeded" -}}
{{- $interval := randoms "month|month|month|year|week" -}}
{{- $period := mul64 30 $day -}}
{{- if eq $interval "year" }}{{ $period = mul64 365 $day }}{{ end -}}
{{- if eq $interval "week" }}{{ $period = mul64 7 $day }}{{ end -}}
{{- $period_start := sub64 $now (mul64 (integer64 0 20) $day) -}}
{{- $period_end := add64 $period_start $period -}}
{{- $status := "active" -}}
{{- if eq $action "canceled" }}{{ $status = "canceled" }}{{ end -}}
{{- if eq $action "payment_failed" }}{{ $status = randoms "past_due|unpaid" }}{{ end -}}
{{- $trialing := and (eq $action "created") (lt (integer 0 100) 40) -}}
{{- if $trialing }}{{ $status = "trialing" }}{{ end -}}
{{- $trial_start := "null" -}}{{- $trial_end := "null" -}}
{{- if $trialing -}}
  {{- $trial_start = printf "\"%s\"" (format_timestamp $period_start "2006-01-02 15:04:05.000") -}}
  {{- $trial_end = printf "\"%s\"" (format_timestamp (add64 $period_start (mul64 14 $day)) "2006-01-02 15:04:05.000") -}}
  {{- if lt (integer 0 10000) @@NULL_TRIAL_DATES@@ }}{{ $trial_start = "null" }}{{ $trial_end = randoms "null|\"null\"|\"\"" }}{{ end -}}
{{- end -}}
{{- $canceled_at := "null" -}}
{{- if eq $status "canceled" }}{{ $canceled_at = printf "\"%s\"" (format_timestamp $now "2006-01-02 15:04:05.000") }}{{ end -}}
{{- $plan := randoms "basic|pro|team" -}}
{{- $plan_id := printf "\"plan_%s_%sly\"" $plan $interval -}}
{{- if lt (integer 0 10000) @@MISSING_PLAN_ID@@ }}{{ $plan_id = randoms "null|\"null\"|\"\"" }}{{ end -}}
{{- $currency := randoms "@@CURRENCIES@@" -}}
{{- $cents := integer 499 9999 -}}
{{- $amount := printf "%d.%02d" (div $cents 100) (mod $cents 100) -}}
{{- if eq $currency @@WHOLE_CURRENCIES@@ }}{{ $amount = printf "%d" $cents }}{{ end -}}
{{- /* injected amounts are whole, so in any currency they break only their own rule */ -}}
{{- if lt (integer 0 10000) @@AMOUNT_NON_POSITIVE@@ }}{{ $amount = randoms "0.00|-10.00" }}{{ end -}}
{{- if lt (integer 0 10000) @@UNKNOWN_CURRENCY@@ }}{{ $currency = randoms "XYZ|ABC|BTC" }}{{ end -}}
{{- $customer := printf "\"@@CUSTOMER_ID_FORMAT@@\"" (integer @@CUSTOMER_ID_FIRST@@ @@CUSTOMER_ID_END@@) -}}
{{- if lt (integer 0 10000) @@MISSING_CUSTOMER_ID@@ }}{{ $customer = randoms "null|\"null\"|\"\"" }}{{ end -}}
{{- $promo := printf ", \"promo_code\": \"%s\"" (randoms "WELCOME|SPRING10|FRIENDS") -}}
{{- if lt (integer 0 10000) @@MISSING_PROMO_CODE@@ }}{{ $promo = "" }}{{ end -}}
{{- if lt (integer 0 10000) @@MALFORMED@@ -}}
{"event_id": "{{ $id }}", "event_type": "subscription.{{ $action }}", "plan_id": {{ $plan_id }}, "interval": "{{ $interval }}
{{- else -}}
{
  "event_id": "{{ $id }}",
  "event_type": "subscription.{{ $action }}",
  "provider": "{{ randoms "@@PROVIDERS@@" }}",
  "customer_id": {{ $customer }},
  "merchant_id": "{{ printf "@@MERCHANT_ID_FORMAT@@" (integer @@MERCHANT_ID_FIRST@@ @@MERCHANT_ID_END@@) }}",
  "amount": {{ $amount }},
  "currency": "{{ $currency }}",
  "created_at": "{{ format_timestamp $period_start "2006-01-02 15:04:05.000" }}",
  "updated_at": "{{ format_timestamp $now "2006-01-02 15:04:05.000" }}",
  "subscription_id": "sub_{{ replaceall uuid "-" "" }}",
  "plan_id": {{ $plan_id }},
  "plan_name": "{{ $plan }}",
  "interval": "{{ $interval }}",
  "interval_count": 1,
  "status": "{{ $status }}",
  "cancel_at_period_end": {{ eq $status "canceled" }},
  "canceled_at": {{ $canceled_at }},
  "trial_start": {{ $trial_start }},
  "trial_end": {{ $trial_end }},
  "current_period_start": "{{ format_timestamp $period_start "2006-01-02 15:04:05.000" }}",
  "current_period_end": "{{ format_timestamp $period_end "2006-01-02 15:04:05.000" }}",
  "payment_method_id": "pm_{{ replaceall uuid "-" "" }}",
  "metadata": {"user_email": "{{ email }}", "signup_source": "{{ randoms "web|mobile_app|api" }}"{{ $promo }}},
  "discount": {{ if lt (integer 0 100) 20 }}{"coupon_id": "C{{ integer 10 99 }}", "percent_off": {{ randoms "10|15|25" }}}{{ else }}null{{ end }}
}
{{- end -}}
