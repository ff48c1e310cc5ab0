from django.urls import path

from notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("channels/", views.channels, name="channels"),
    path("channels/test/", views.send_test, name="send_test"),
    path("channels/<int:pk>/toggle/", views.channel_toggle, name="channel_toggle"),
    path("channels/<int:pk>/remove/", views.channel_remove, name="channel_remove"),
    path("channels/<int:pk>/robot/", views.channel_robot, name="channel_robot"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("egress/", views.egress, name="egress"),
    path("egress/remove/", views.egress_remove, name="egress_remove"),
]
