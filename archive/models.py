"""The information database (信息库): search index, saved searches and subscriptions."""
