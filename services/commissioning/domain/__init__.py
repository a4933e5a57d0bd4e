"""Pure domain of the commissioning service: tender rules, lifecycle, sealed-bid access."""
