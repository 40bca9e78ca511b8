"""Pages of the households app, one module per part: the registry, the reviews, imports and exports, the
villages. Thin: forms validate, services (``households.services``) write, selectors (``households.selectors``)
read; ``households.urls`` names each page."""
