from django.http import HttpResponse


def body_list(request):
    return HttpResponse("")
