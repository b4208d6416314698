"""The archive's HTTP layer: pages, the API, feeds, protocol endpoints and the admin.

Everything here turns a request into one call of the layers below (search, selectors,
services, citations) and renders its answer; nothing below imports this package.
"""
