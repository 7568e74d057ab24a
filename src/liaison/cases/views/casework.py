"""Case pages: list, detail and the work on a case. (Placeholder list/detail until the
casework pages land.)"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from liaison.core.permissions import Perm, require

from ..models import Case


@login_required
def case_list(request):
    require(request.user, Perm.VIEW_CASES)
    return HttpResponse("cases")


@login_required
def case_detail(request, pk: int):
    require(request.user, Perm.VIEW_CASES)
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    return HttpResponse(case.reference)
