"""The content calendar: what goes out when, across posts, deliveries and ritual occurrences."""
