"""Static assets of the web page (HTML, JS, CSS, country shapes); no Python here."""
