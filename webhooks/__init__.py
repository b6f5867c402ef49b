"""The webhook edge: a receiver that verifies the payment providers' signed webhooks and writes each accepted
request's raw body to its provider's Kafka topic (`python -m webhooks.receiver`), and provider-native
generators that POST signed webhooks to it (`python -m webhooks.generators`). Both run in images/webhooks;
they import `payments` and third-party libraries only."""
