from agencies.roles import user_roles


def roles(request) -> dict:
    user = getattr(request, "user", None)
    return {"user_roles": user_roles(user) if user is not None else set()}
