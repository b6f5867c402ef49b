"""Provider-native webhook generators: Stripe, Adyen, Braintree and Checkout.com events in each provider's
own envelope, money, timestamps and vocabulary, signed with the stack's secrets and delivered to the
receiver with the providers' delivery problems (payments.webhooks.DELIVERY_PROBLEMS).

- `core.py`: lifecycles, problems, ids, time formats and amounts every provider shares
- `stripe.py`, `adyen.py`, `braintree.py`, `checkout.py`: each provider's payloads and signature
- `delivery.py`: rate, retries, redeliveries and the ledger; `settings.py`: the environment
- `__main__.py`: `python -m webhooks.generators`
"""
