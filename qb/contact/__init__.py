"""The contact page and its enquiry form."""
