from django.urls import path

from cpims.integrations.dhis2 import views

app_name = "dhis2"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("download/", views.download, name="download"),
    path("push/", views.push, name="push"),
    path("pushes/<uuid:public_id>/", views.log_detail, name="log_detail"),
    path("mapping/", views.mapping, name="mapping"),
    path("mapping/data-elements/<int:pk>/", views.data_element_edit, name="data_element_edit"),
    path("mapping/category-option-combos/<int:pk>/", views.coc_edit, name="coc_edit"),
    path("mapping/org-units/<int:pk>/", views.org_unit_edit, name="org_unit_edit"),
    path("servers/<int:pk>/", views.server_edit, name="server_edit"),
]
