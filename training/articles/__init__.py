"""Reference articles: what the expert learned from the companies, de-personalised."""
