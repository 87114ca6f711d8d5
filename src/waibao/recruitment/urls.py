from django.urls import path

from waibao.recruitment import views
from waibao.recruitment.feeds import PostingFeed

app_name = "recruitment"

urlpatterns = [
    path("", views.posting_list, name="postings"),
    path("feed/", PostingFeed(), name="feed"),
    path("talent-catalogue/", views.catalogue_page, name="catalogue"),
    path("register/", views.register, name="register"),
    path("<int:posting_id>/", views.posting_page, name="posting"),
    path("<int:posting_id>/edit/", views.posting_edit, name="posting_edit"),
    path("<int:posting_id>/action/", views.posting_action, name="posting_action"),
    path("<int:posting_id>/apply/", views.apply, name="apply"),
    path("<int:posting_id>/applicants/", views.applicants_page, name="applicants"),
    path("<int:posting_id>/applicants/export/", views.applicants_export, name="applicants_export"),
    path("mine/", views.my_postings, name="my_postings"),
    path("new/", views.posting_edit, name="posting_new"),
    path("review/", views.review_page, name="review"),
    path("review/export/", views.postings_export, name="postings_export"),
    path("me/", views.seeker_home, name="seeker_home"),
    path("me/profile/", views.seeker_profile, name="seeker_profile"),
    path("me/identity/remove/", views.seeker_remove_id, name="seeker_remove_id"),
    path("me/cv/", views.seeker_cv, name="seeker_cv"),
    path("me/cv/file/", views.seeker_cv, name="seeker_cv_file"),
    path("applications/<int:candidacy_id>/", views.candidacy_page, name="candidacy"),
    path("applications/<int:candidacy_id>/decide/", views.candidacy_decide, name="candidacy_decide"),
    path("applications/<int:candidacy_id>/withdraw/", views.candidacy_withdraw, name="candidacy_withdraw"),
    path("applications/<int:candidacy_id>/hire/", views.candidacy_hire, name="candidacy_hire"),
    path("applications/<int:candidacy_id>/cv/file/", views.candidacy_cv, name="candidacy_cv"),
    path("applications/<int:candidacy_id>/proof/file/", views.candidacy_proof, name="candidacy_proof"),
]
