"""Read outputs back and run the validators the field trusts on them."""
