"""How a signed-in request finds its user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class UserWithAffiliationBackend(ModelBackend):
    """Django's model backend, which also reads the user's institution and partner agency:
    every page names them in the user menu, and reading them there would cost a query of
    their own on each request."""

    def get_user(self, user_id):
        users = UserModel._default_manager.select_related("institution", "partner_body")
        try:
            user = users.get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
