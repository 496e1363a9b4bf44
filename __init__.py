"""Fursa (فرصة): scholarship, exchange and research-funding calls, crawled, tagged, curated and mailed.

The repository's top-level folders install as this one package (`fursa.crawlers`, `fursa.storage`
…), so no generic name such as `web` or `storage` lands in site-packages. This module imports
nothing: the Scrapyd egg and every crawl child load it, and they need only what they import.
"""
