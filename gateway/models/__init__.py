"""What the API takes and returns, one module per resource and one model family per entity
(``...Create``, ``...Update``, ``...Public``)."""
