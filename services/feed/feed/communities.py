"""The 27 health communities, seeded from this table (English and Hindi)."""

from dataclasses import dataclass
from uuid import UUID, uuid5

NAMESPACE = UUID("6f1c2a57-0f0e-4c59-9a51-7b6b0d3c2e10")


@dataclass(frozen=True)
class CommunityInfo:
    slug: str
    name_en: str
    name_hi: str
    description_en: str
    description_hi: str

    @property
    def id(self) -> UUID:
        return uuid5(NAMESPACE, self.slug)

    def name(self, language: str) -> str:
        return self.name_hi if language == "hi" else self.name_en

    def description(self, language: str) -> str:
        return self.description_hi if language == "hi" else self.description_en


def _c(slug: str, en: str, hi: str, about_en: str) -> CommunityInfo:
    return CommunityInfo(slug, en, hi, about_en, f"{hi} के बारे में मरीज़ों और देखभाल करने वालों की बातचीत")


COMMUNITIES = (
    _c("cancer", "Cancer", "कैंसर", "Living with cancer, treatment and survivorship"),
    _c("diabetes", "Diabetes", "मधुमेह", "Type 1, type 2 and gestational diabetes"),
    _c("heart-health", "Heart health", "हृदय स्वास्थ्य", "Heart disease, blood pressure, recovery"),
    _c("kidney-health", "Kidney health", "गुर्दे का स्वास्थ्य", "Kidney disease and dialysis"),
    _c("mental-health", "Mental health", "मानसिक स्वास्थ्य", "Depression, anxiety and support"),
    _c("rare-diseases", "Rare diseases", "दुर्लभ रोग", "Rare conditions and where to find help"),
    _c("thalassemia-blood-disorders", "Thalassemia and blood disorders",
       "थैलेसीमिया और रक्त विकार", "Thalassemia, haemophilia, sickle cell"),
    _c("hiv", "HIV", "एचआईवी", "Living with HIV, treatment and rights"),
    _c("tuberculosis", "Tuberculosis", "क्षय रोग (टीबी)", "TB treatment, DOTS and recovery"),
    _c("womens-health", "Women's health", "महिला स्वास्थ्य", "Health across a woman's life"),
    _c("maternal-health", "Maternal health", "मातृ स्वास्थ्य", "Pregnancy, childbirth, after birth"),
    _c("child-health", "Child health", "बाल स्वास्थ्य", "Children's health and vaccination"),
    _c("elderly-care", "Elderly care", "बुज़ुर्गों की देखभाल", "Ageing well and caring for elders"),
    _c("disability", "Disability", "दिव्यांगता", "Living with disability, access and rights"),
    _c("neurology", "Neurology", "तंत्रिका विज्ञान", "Epilepsy, stroke, Parkinson's, dementia"),
    _c("respiratory-health", "Respiratory health", "श्वसन स्वास्थ्य", "Asthma, COPD, breathing"),
    _c("liver-health", "Liver health", "यकृत स्वास्थ्य", "Hepatitis, fatty liver, cirrhosis"),
    _c("autoimmune-conditions", "Autoimmune conditions", "स्वप्रतिरक्षी रोग",
       "Lupus, rheumatoid arthritis and more"),
    _c("skin-health", "Skin health", "त्वचा स्वास्थ्य", "Skin conditions and care"),
    _c("eye-health", "Eye health", "नेत्र स्वास्थ्य", "Vision, cataract, glaucoma"),
    _c("dental-health", "Dental health", "दंत स्वास्थ्य", "Teeth and oral health"),
    _c("bone-joint-health", "Bone and joint health", "हड्डी और जोड़ों का स्वास्थ्य",
       "Arthritis, osteoporosis, back pain"),
    _c("nutrition-lifestyle", "Nutrition and lifestyle", "पोषण और जीवनशैली",
       "Food, exercise and everyday health"),
    _c("caregivers", "Caregivers", "देखभाल करने वाले", "For those who care for others"),
    _c("organ-donation-transplant", "Organ donation and transplant", "अंगदान और प्रत्यारोपण",
       "Donation, waiting lists, life after transplant"),
    _c("infectious-diseases", "Infectious diseases", "संक्रामक रोग",
       "Dengue, malaria, typhoid and other infections"),
    _c("health-policy-schemes", "Health policy and schemes", "स्वास्थ्य नीति और योजनाएँ",
       "Government schemes, policy and patients' rights"),
)
BY_SLUG = {c.slug: c for c in COMMUNITIES}
