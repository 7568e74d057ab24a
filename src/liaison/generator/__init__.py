"""Illustrative cases generated deterministically, written in bulk (COPY on PostgreSQL,
executemany elsewhere) with the values the services would have computed: search keys,
name keys, passport hashes, due times. It feeds the demo data (cases.demo) and
`liaison bench cases` at half a million cases.

    writer    the bulk writer and the order tables are written in
    rows      ids handed out, name keys and labels computed once, timeline entries
    tables    names, places, categories and the weights cases are drawn by
    context   what every case refers to: the posts and partners it is filed under (Filing,
              given by the caller), the agreements in force, the response targets
    people    victims and suspects, with their status history and identifiers
    reports   the reports cases came from, and loose ones
    cases     one case with its transitions, requests and notices; generate() writes a run"""
