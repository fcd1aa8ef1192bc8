"""policysearch: full-text search for Chinese policy news.

The path an article takes, one module per stage:

    readers (+ split, dates)  corpus file -> Article objects with title, date, body, metadata
    tagging                   subject provinces, industries, completed dates
    analysis                  normalisation and Chinese tokens (jieba lives only here)
    index                     the Whoosh index on disk, incremental (Whoosh lives here and in search)
    search                    query language, filters, facets, sorting, pagination
    render                    snippets and highlights: escaped text with <mark> around matches
    web / cli                 the Flask UI and JSON API; the `policysearch` command
"""

__version__ = "0.1.0"
