"""One Pulumi ComponentResource per service; `__main__.py` composes them."""
