def directory_summary(user) -> dict:
    return {}
