"""Public pages: home, about, services, offers, contact, cookies; robots.txt and sitemap."""
