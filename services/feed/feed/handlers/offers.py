"""The side-effect report offered to an author whose words tell of a reaction."""

from contracts.feed.messages import SideEffectOffer
from contracts.pharmacovigilance.messages import AdrReportForm, Medicine, Reaction
from feed import side_effects

MESSAGE = {
    "en": "It sounds as if {medicine} may have caused a side effect. Reporting it helps "
          "make medicines safer for everyone: you can start a report from your own words, "
          "complete it and send it to the national pharmacovigilance programme (PvPI). "
          "Nothing is sent unless you send it.",
    "hi": "लगता है {medicine} से कोई दुष्प्रभाव हुआ हो। इसकी रिपोर्ट करने से सबके लिए दवाएँ "
          "सुरक्षित बनती हैं: आप अपने ही शब्दों से रिपोर्ट शुरू करके, उसे पूरा करके राष्ट्रीय "
          "फ़ार्माकोविजिलेंस कार्यक्रम (PvPI) को भेज सकते हैं। आपके भेजे बिना कुछ नहीं भेजा जाता।",
}


def offers(text: str, language: str, reply_language: str) -> list[SideEffectOffer]:
    found = side_effects.offer(text, language)
    if found is None:
        return []
    message = MESSAGE.get(reply_language, MESSAGE["en"]).format(medicine=found.medicine)
    return [SideEffectOffer(message=message, prefill=AdrReportForm(
        draft=True, medicines=[Medicine(name=found.medicine, role="suspect")],
        reactions=[Reaction(description=found.description, language=found.language)]))]
