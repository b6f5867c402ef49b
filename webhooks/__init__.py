"""The webhook edge: a signature-verifying receiver for the payment providers' own webhooks and the
provider-native generators that POST signed webhooks to it (shared facts in payments/webhooks.py)."""
