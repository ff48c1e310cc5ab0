from django.urls import path

from bulletins import views, views_editorial, views_publication, views_secrecy

app_name = "bulletins"

# --- publications and issues -----------------------------------------------------------------
urlpatterns = [
    path("", views.home, name="home"),
    path("new/<int:publication_id>/", views.new_issue, name="new_issue"),
    path(
        "publications/<int:pk>/settings/",
        views_publication.publication_settings,
        name="publication_settings",
    ),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("issues/<int:pk>/add/", views.add_entries, name="add_entries"),
    path("issues/<int:pk>/candidates/", views.candidates, name="candidates"),
    path("issues/<int:pk>/docx/", views.download_docx, name="docx"),
    path("issues/<int:pk>/pdf/", views.download_pdf, name="pdf"),
    path("issues/<int:pk>/secrecy/", views_secrecy.set_secrecy, name="issue_secrecy"),
    path("issues/<int:pk>/<str:step>/", views.issue_step, name="step"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/edit/", views.edit_entry, name="edit_entry"),
    path("entries/<int:pk>/move/<str:direction>/", views.move_entry, name="move_entry"),
    path("entries/<int:pk>/remove/", views.remove_entry, name="remove_entry"),
    path("items/<int:pk>/forward/", views.forward_item, name="forward_item"),
    path("items/<int:pk>/adopt/", views.adopt_item, name="adopt_item"),
]

# --- instructions and solicitations (views_editorial) ----------------------------------------
urlpatterns += [
    path("instructions/", views_editorial.instruction_board, name="instructions"),
    path("instructions/tasks/<int:pk>/", views_editorial.task_detail, name="task"),
    path("instructions/policy/", views_editorial.editorial_policy, name="editorial_policy"),
    path("items/<int:pk>/instruct/", views_editorial.instruct, name="instruct"),
    path("solicitations/", views_editorial.solicitation_list, name="solicitations"),
    path("solicitations/<int:pk>/", views_editorial.solicitation_detail, name="solicitation"),
]
