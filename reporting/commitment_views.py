"""The commitment pages: every scheme with its items (/commitments/), and one item's activities across
plans with their progress across range states (/commitments/<scheme>/<code>/). Open to everyone: the
counts read only what the visitor may see (``commitments``)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from actionplans.models import CommitmentItem

from .commitments import commitment_item_page, commitment_scheme_list


class CommitmentListView(ListView):
    template_name = "reporting/commitment_list.html"
    context_object_name = "schemes"

    def get_queryset(self):
        return commitment_scheme_list()


class CommitmentItemView(TemplateView):
    template_name = "reporting/commitment_item.html"

    def get_context_data(self, **kwargs):
        item = get_object_or_404(CommitmentItem.objects.select_related("scheme"), scheme__slug=kwargs["scheme"],
                                 code=kwargs["code"])
        query = urlencode({"tag": item.tag})
        return super().get_context_data(
            page=commitment_item_page(item=item, user=self.request.user), item=item,
            activities_url=f"{reverse('actionplans:activity_list')}?{query}",
            progress_url=f"{reverse('reporting:progress_list')}?{query}", tag_query=query, **kwargs)
