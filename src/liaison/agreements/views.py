from django.core.exceptions import PermissionDenied


def agreement_list(request):
    raise PermissionDenied
