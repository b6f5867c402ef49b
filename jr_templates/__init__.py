"""JR templates of the four payment event types, with data-quality problems injected at known rates."""
