"""What the one-read-path tests of every domain compare: the records a list page links to
and the records its API answers, for the same user and filters."""

import re


def ids_on_page(client, url: str, params: dict, pattern: str) -> set[int]:
    """The ids that `pattern` (one group) finds in the page: the rows it lists."""
    response = client.get(url, params)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(pattern, response.content.decode())}


def ids_in_api(client, url: str, params: dict) -> set[int]:
    """The ids of the API's answer, one page of up to 200 (the tests hold fewer)."""
    response = client.get(url, {**params, "limit": 200})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}
