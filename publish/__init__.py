"""publish: accessible editions of parliamentary texts, every clause with the same anchor in every format."""
