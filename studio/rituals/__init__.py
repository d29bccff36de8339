"""Rituals: posts that recur on a rule, computed in the brand's own zone and calendar."""
