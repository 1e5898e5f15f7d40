"""Cookie and analytics consent: the banner, the choice and its proof."""
