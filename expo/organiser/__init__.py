"""The organiser's side: the admin site and its dashboard, live operations, staff roles,
imports and announcements. The top of the product's layers (see README, "Architecture")."""
