"""``{% review_explanation review as lines %}``: a review's explanation in the reader's language
(``households.explanations.review_explanation``)."""

from django import template

from households.explanations import review_explanation as explain

register = template.Library()


@register.simple_tag
def review_explanation(review) -> list[str]:
    return explain(review)
