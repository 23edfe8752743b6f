"""The two ready surveys, seeded as drafts at start-up (a survey manager sets the audience
and dates and publishes them): a Friends-and-Family-style question, and a hospital
experience questionnaire after India's Mera Aspataal. English and Hindi. Pure."""

from uuid import uuid5

from contracts.surveys.messages import Definition
from surveys.domain import NAMESPACE

FFT_ID = uuid5(NAMESPACE, "ready/friends-and-family")
HOSPITAL_ID = uuid5(NAMESPACE, "ready/hospital-experience")


def _likert(id_: str, en: str, hi: str, **more: object) -> dict[str, object]:
    return {"id": id_, "type": "likert", "label": {"en": en, "hi": hi}, **more}


def _choice(id_: str, en: str, hi: str, options: list[tuple[str, str, str]],
            **more: object) -> dict[str, object]:
    return {"id": id_, "type": "single_choice", "label": {"en": en, "hi": hi},
            "options": [{"value": v, "label": {"en": e, "hi": h}} for v, e, h in options],
            **more}


FFT = Definition.model_validate({
    "title": {"en": "Friends and Family Test", "hi": "मित्र और परिवार परीक्षण"},
    "description": {"en": "One question about the care you received.",
                    "hi": "आपको मिली देखभाल के बारे में एक प्रश्न।"},
    "audience": {"everyone": True}, "mode": "anonymous",
    "questions": [
        _likert("experience", "Overall, how was your experience of our service? "
                "(1 very poor, 5 very good)",
                "कुल मिलाकर, हमारी सेवा का आपका अनुभव कैसा रहा? (1 बहुत खराब, 5 बहुत अच्छा)",
                required=True, dont_know=True),
        {"id": "why", "type": "text", "max_length": 1000,
         "label": {"en": "Please tell us why you gave that answer.",
                   "hi": "कृपया बताएँ कि आपने यह उत्तर क्यों दिया।"},
         "show_if": {"question": "experience", "answered": True}},
    ]})

HOSPITAL = Definition.model_validate({
    "title": {"en": "Your hospital experience", "hi": "आपका अस्पताल अनुभव"},
    "audience": {"everyone": True}, "mode": "anonymous",
    "questions": [
        _choice("visit", "What kind of visit was it?", "यह किस प्रकार की भेंट थी?",
                [("outpatient", "Outpatient (OPD)", "ओपीडी"),
                 ("inpatient", "Admitted (IPD)", "भर्ती (आईपीडी)"),
                 ("emergency", "Emergency", "आपातकालीन")], required=True),
        _likert("staff_behaviour", "How did the staff treat you?",
                "कर्मचारियों ने आपके साथ कैसा व्यवहार किया?", required=True),
        _likert("cleanliness", "How clean was the hospital?", "अस्पताल कितना साफ़ था?"),
        _likert("ward", "How comfortable was the ward?", "वार्ड कितना आरामदायक था?",
                show_if={"question": "visit", "in": ["inpatient"]}),
        _choice("paid", "Were you asked to pay money for free services?",
                "क्या आपसे मुफ़्त सेवाओं के लिए पैसे माँगे गए?",
                [("yes", "Yes", "हाँ"), ("no", "No", "नहीं")], required=True),
        {"id": "paid_amount", "type": "number", "min": 0, "max": 10000000,
         "label": {"en": "How much, in rupees?", "hi": "कितने रुपये?"},
         "show_if": {"question": "paid", "in": ["yes"]}},
        {"id": "recommend", "type": "nps", "required": True,
         "label": {"en": "How likely are you to recommend this hospital (0-10)?",
                   "hi": "आप इस अस्पताल की सिफ़ारिश करने की कितनी संभावना रखते हैं (0-10)?"}},
        {"id": "comments", "type": "text", "max_length": 2000,
         "label": {"en": "Anything else you want to tell us?",
                   "hi": "और कुछ जो आप हमें बताना चाहते हैं?"}},
    ]})

READY = ((FFT_ID, FFT), (HOSPITAL_ID, HOSPITAL))
