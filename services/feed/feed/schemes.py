"""The directory's seed: central government health schemes, in English and Hindi.

Facts as the schemes' official sites and the Ministry of Health and Family Welfare publish
them (checked 2026-12); a helpline is given only where the scheme has one of its own, and
104 (the health helpline of every state) where it has none. Each scheme is published as a
`SchemeListed` event when the feed first starts with it, so that ratings can make it
rateable; its id is made from its slug and never changes.
"""

from dataclasses import dataclass
from uuid import UUID, uuid5

from contracts.feed.events import SchemeListed

NAMESPACE = UUID("0b6f8e2a-5d0c-4f6e-9a3b-7c1d2e3f4a5b")
ALL_STATES = "all"  # a central scheme: every state and union territory
NEEDS = ("hospitalisation", "medicines", "dialysis", "tuberculosis", "pregnancy",
         "child_health", "serious_illness", "government_employees")


@dataclass(frozen=True)
class Text:
    en: str
    hi: str

    def in_(self, language: str) -> str:
        return self.hi if language == "hi" else self.en


@dataclass(frozen=True)
class Scheme:
    slug: str
    name: Text
    covers: Text
    eligibility: Text
    how_to_apply: Text
    documents: Text
    helpline: str
    link: str
    needs: tuple[str, ...]
    states: tuple[str, ...] = (ALL_STATES,)

    @property
    def scheme_id(self) -> UUID:
        return uuid5(NAMESPACE, self.slug)


SCHEMES = (
    Scheme(
        slug="pm-jay",
        name=Text("Ayushman Bharat Pradhan Mantri Jan Arogya Yojana (PM-JAY)",
                  "आयुष्मान भारत प्रधानमंत्री जन आरोग्य योजना (पीएम-जेएवाई)"),
        covers=Text("Health cover of ₹5 lakh per family per year for secondary and tertiary "
                    "hospital care, cashless and paperless at empanelled public and private "
                    "hospitals, including 3 days before and 15 days after admission.",
                    "प्रति परिवार प्रति वर्ष ₹5 लाख तक का स्वास्थ्य कवर, सूचीबद्ध सरकारी और निजी "
                    "अस्पतालों में द्वितीयक और तृतीयक इलाज के लिए, नकद-रहित; भर्ती से 3 दिन पहले और "
                    "15 दिन बाद तक का खर्च भी शामिल।"),
        eligibility=Text("Poor and vulnerable families identified from the Socio-Economic "
                         "Caste Census 2011 (and the state's own lists where it has widened "
                         "them), and every citizen aged 70 or more whatever their income "
                         "(Ayushman Vay Vandana card). No cap on family size or age.",
                         "सामाजिक-आर्थिक जाति जनगणना 2011 से चिह्नित गरीब और वंचित परिवार (और जहाँ "
                         "राज्य ने सूची बढ़ाई है), तथा 70 वर्ष या अधिक आयु के सभी नागरिक, आय कुछ भी हो "
                         "(आयुष्मान वय वंदना कार्ड)। परिवार के आकार या आयु की कोई सीमा नहीं।"),
        how_to_apply=Text("Check your eligibility at beneficiary.nha.gov.in or the Ayushman "
                          "app, or ask the Ayushman Mitra at an empanelled hospital or a Common "
                          "Service Centre; then get your Ayushman card made (free).",
                          "beneficiary.nha.gov.in या आयुष्मान ऐप पर पात्रता जाँचें, या सूचीबद्ध अस्पताल "
                          "के आयुष्मान मित्र या कॉमन सर्विस सेंटर से पूछें; फिर अपना आयुष्मान कार्ड "
                          "(निःशुल्क) बनवाएँ।"),
        documents=Text("Aadhaar card; ration card or the PM's letter if you have one.",
                       "आधार कार्ड; राशन कार्ड या प्रधानमंत्री का पत्र, यदि हो।"),
        helpline="14555", link="https://pmjay.gov.in",
        needs=("hospitalisation", "serious_illness")),
    Scheme(
        slug="cghs",
        name=Text("Central Government Health Scheme (CGHS)",
                  "केंद्रीय सरकार स्वास्थ्य योजना (सीजीएचएस)"),
        covers=Text("Comprehensive care: consultations and medicines at CGHS wellness "
                    "centres, specialist care, and treatment at empanelled hospitals and "
                    "diagnostic centres.",
                    "व्यापक स्वास्थ्य सेवा: सीजीएचएस वेलनेस सेंटरों पर परामर्श और दवाएँ, विशेषज्ञ "
                    "इलाज, तथा सूचीबद्ध अस्पतालों और जाँच केंद्रों में उपचार।"),
        eligibility=Text("Central government employees and pensioners and their dependent "
                         "family members, and other categories the scheme names (Members of "
                         "Parliament, former MPs, freedom fighters and others), in the cities "
                         "CGHS covers.",
                         "केंद्रीय सरकार के कर्मचारी और पेंशनभोगी तथा उनके आश्रित परिवारजन, और योजना "
                         "में शामिल अन्य वर्ग (सांसद, पूर्व सांसद, स्वतंत्रता सेनानी आदि), सीजीएचएस "
                         "वाले शहरों में।"),
        how_to_apply=Text("Serving employees apply through their office; pensioners apply on "
                          "the CGHS website or at the CGHS office of their city, and get a "
                          "CGHS card (ABHA-linked).",
                          "सेवारत कर्मचारी अपने कार्यालय के माध्यम से आवेदन करें; पेंशनभोगी सीजीएचएस "
                          "वेबसाइट पर या अपने शहर के सीजीएचएस कार्यालय में आवेदन करके सीजीएचएस कार्ड "
                          "(आभा से जुड़ा) पाएँ।"),
        documents=Text("Pay slip or pension payment order, proof of dependants, photographs, "
                       "Aadhaar.",
                       "वेतन पर्ची या पेंशन भुगतान आदेश, आश्रितों का प्रमाण, फोटो, आधार।"),
        helpline="104", link="https://cghs.mohfw.gov.in",
        needs=("government_employees", "medicines", "hospitalisation")),
    Scheme(
        slug="jan-aushadhi",
        name=Text("Pradhan Mantri Bhartiya Janaushadhi Pariyojana (PMBJP)",
                  "प्रधानमंत्री भारतीय जनऔषधि परियोजना (पीएमबीजेपी)"),
        covers=Text("Quality generic medicines and surgical items at Jan Aushadhi Kendras, "
                    "at prices far below those of branded medicines.",
                    "जन औषधि केंद्रों पर गुणवत्तापूर्ण जेनेरिक दवाएँ और सर्जिकल सामान, ब्रांडेड "
                    "दवाओं से बहुत कम दाम पर।"),
        eligibility=Text("Everyone: no card or enrolment is needed.",
                         "सभी के लिए: किसी कार्ड या पंजीकरण की आवश्यकता नहीं।"),
        how_to_apply=Text("Take your prescription to the nearest Jan Aushadhi Kendra (find one "
                          "with the Jan Aushadhi Sugam app or on janaushadhi.gov.in).",
                          "अपना पर्चा लेकर नज़दीकी जन औषधि केंद्र जाएँ (जन औषधि सुगम ऐप या "
                          "janaushadhi.gov.in पर खोजें)।"),
        documents=Text("A doctor's prescription for prescription medicines.",
                       "पर्चे वाली दवाओं के लिए डॉक्टर का पर्चा।"),
        helpline="1800-180-8080", link="https://janaushadhi.gov.in",
        needs=("medicines",)),
    Scheme(
        slug="rashtriya-arogya-nidhi",
        name=Text("Rashtriya Arogya Nidhi (RAN)", "राष्ट्रीय आरोग्य निधि (आरएएन)"),
        covers=Text("One-time financial help for the treatment of a life-threatening disease "
                    "(heart, kidney, liver, cancer and others) at a government hospital or "
                    "institute.",
                    "सरकारी अस्पताल या संस्थान में जानलेवा बीमारी (हृदय, गुर्दा, यकृत, कैंसर आदि) "
                    "के इलाज के लिए एकमुश्त आर्थिक सहायता।"),
        eligibility=Text("Patients living below the poverty line, treated at a government "
                         "super-speciality hospital or institute.",
                         "गरीबी रेखा से नीचे रहने वाले मरीज़, जिनका इलाज सरकारी सुपर-स्पेशियलिटी "
                         "अस्पताल या संस्थान में हो रहा है।"),
        how_to_apply=Text("Through the treating hospital: fill in the RAN application form, "
                          "have the treating doctor certify it and the medical superintendent "
                          "countersign it.",
                          "इलाज करने वाले अस्पताल के माध्यम से: आरएएन आवेदन पत्र भरें, इलाज करने वाले "
                          "डॉक्टर से प्रमाणित और चिकित्सा अधीक्षक से प्रति-हस्ताक्षरित कराएँ।"),
        documents=Text("Income or BPL certificate, ration card, the hospital's estimate of the "
                       "cost, photographs.",
                       "आय या बीपीएल प्रमाणपत्र, राशन कार्ड, अस्पताल का खर्च अनुमान, फोटो।"),
        helpline="104", link="https://mohfw.gov.in",
        needs=("serious_illness", "hospitalisation")),
    Scheme(
        slug="nikshay-poshan",
        name=Text("Ni-kshay Poshan Yojana", "नि-क्षय पोषण योजना"),
        covers=Text("Nutrition support paid into the bank account of every notified TB "
                    "patient for the whole of their treatment: ₹1,000 a month since November "
                    "2024 (₹500 before).",
                    "हर अधिसूचित टीबी मरीज़ के बैंक खाते में पूरे इलाज के दौरान पोषण सहायता: "
                    "नवंबर 2024 से ₹1,000 प्रति माह (पहले ₹500)।"),
        eligibility=Text("Every TB patient notified on the Ni-kshay portal, in the public or "
                         "the private sector.",
                         "नि-क्षय पोर्टल पर अधिसूचित हर टीबी मरीज़, सरकारी या निजी क्षेत्र में।"),
        how_to_apply=Text("Your doctor or the TB programme's staff notify you on Ni-kshay and "
                          "record your bank account; the payments follow.",
                          "आपके डॉक्टर या टीबी कार्यक्रम के कर्मचारी आपको नि-क्षय पर अधिसूचित करते "
                          "हैं और आपका बैंक खाता दर्ज करते हैं; भुगतान अपने आप होता है।"),
        documents=Text("Bank account details (Aadhaar-linked preferred).",
                       "बैंक खाते का विवरण (आधार से जुड़ा हो तो बेहतर)।"),
        helpline="1800-11-6666", link="https://nikshay.in",
        needs=("tuberculosis",)),
    Scheme(
        slug="janani-suraksha",
        name=Text("Janani Suraksha Yojana (JSY)", "जननी सुरक्षा योजना (जेएसवाई)"),
        covers=Text("Cash help for giving birth in a health facility: in the low-performing "
                    "states ₹1,400 (rural) or ₹1,000 (urban); elsewhere ₹700 (rural) or ₹600 "
                    "(urban).",
                    "स्वास्थ्य केंद्र में प्रसव के लिए नकद सहायता: कम प्रदर्शन वाले राज्यों में ₹1,400 "
                    "(ग्रामीण) या ₹1,000 (शहरी); अन्य राज्यों में ₹700 (ग्रामीण) या ₹600 (शहरी)।"),
        eligibility=Text("Pregnant women giving birth in a government or accredited private "
                         "facility: all women in the low-performing states; women from "
                         "below-poverty-line and SC/ST households in the others.",
                         "सरकारी या मान्यता प्राप्त निजी केंद्र में प्रसव कराने वाली गर्भवती महिलाएँ: कम "
                         "प्रदर्शन वाले राज्यों में सभी; अन्य राज्यों में बीपीएल और अनुसूचित जाति/जनजाति "
                         "परिवारों की महिलाएँ।"),
        how_to_apply=Text("Register your pregnancy with the ASHA or ANM of your area; the "
                          "payment is made after the delivery at the facility.",
                          "अपने क्षेत्र की आशा या एएनएम के पास गर्भावस्था का पंजीकरण कराएँ; प्रसव के बाद "
                          "केंद्र पर भुगतान होता है।"),
        documents=Text("Mother and child protection (MCP) card, bank account, BPL or caste "
                       "certificate where it applies, Aadhaar.",
                       "मातृ एवं शिशु सुरक्षा (एमसीपी) कार्ड, बैंक खाता, जहाँ लागू हो बीपीएल या जाति "
                       "प्रमाणपत्र, आधार।"),
        helpline="104", link="https://nhm.gov.in",
        needs=("pregnancy",)),
    Scheme(
        slug="rbsk",
        name=Text("Rashtriya Bal Swasthya Karyakram (RBSK)",
                  "राष्ट्रीय बाल स्वास्थ्य कार्यक्रम (आरबीएसके)"),
        covers=Text("Free screening of children for the 4 Ds — defects at birth, diseases, "
                    "deficiencies and developmental delays including disability — and free "
                    "treatment, with District Early Intervention Centres.",
                    "बच्चों की 4 डी — जन्म दोष, बीमारियाँ, कमियाँ और विकास में देरी (दिव्यांगता सहित) "
                    "— की निःशुल्क जाँच और निःशुल्क इलाज, ज़िला शीघ्र हस्तक्षेप केंद्रों के साथ।"),
        eligibility=Text("Children from birth to 18 years: newborns in public facilities, "
                         "children at anganwadis and in government and aided schools.",
                         "जन्म से 18 वर्ष तक के बच्चे: सरकारी केंद्रों में नवजात, आंगनवाड़ी और सरकारी व "
                         "सहायता प्राप्त स्कूलों के बच्चे।"),
        how_to_apply=Text("No application: the RBSK mobile health teams visit anganwadis and "
                          "schools; ask your anganwadi worker, ASHA or the district hospital.",
                          "आवेदन की ज़रूरत नहीं: आरबीएसके की मोबाइल स्वास्थ्य टीमें आंगनवाड़ी और स्कूलों "
                          "में आती हैं; आंगनवाड़ी कार्यकर्ता, आशा या ज़िला अस्पताल से पूछें।"),
        documents=Text("None to be screened; for treatment, the referral card the team gives.",
                       "जाँच के लिए कुछ नहीं; इलाज के लिए टीम का दिया रेफ़रल कार्ड।"),
        helpline="104", link="https://nhm.gov.in",
        needs=("child_health",)),
    Scheme(
        slug="pm-national-dialysis",
        name=Text("Pradhan Mantri National Dialysis Programme (PMNDP)",
                  "प्रधानमंत्री राष्ट्रीय डायलिसिस कार्यक्रम (पीएमएनडीपी)"),
        covers=Text("Haemodialysis (and peritoneal dialysis where offered) at district "
                    "hospitals, free for poor patients.",
                    "ज़िला अस्पतालों में हीमोडायलिसिस (और जहाँ उपलब्ध हो पेरिटोनियल डायलिसिस), गरीब "
                    "मरीज़ों के लिए निःशुल्क।"),
        eligibility=Text("Patients with kidney failure who need dialysis; free for "
                         "below-poverty-line and PM-JAY beneficiaries, at a low cost for "
                         "others as the state sets.",
                         "गुर्दे की विफलता वाले मरीज़ जिन्हें डायलिसिस चाहिए; बीपीएल और पीएम-जेएवाई "
                         "लाभार्थियों के लिए निःशुल्क, अन्य के लिए राज्य द्वारा तय कम शुल्क पर।"),
        how_to_apply=Text("With a nephrologist's or physician's prescription, register at the "
                          "dialysis unit of your district hospital.",
                          "नेफ्रोलॉजिस्ट या चिकित्सक के पर्चे के साथ अपने ज़िला अस्पताल की डायलिसिस "
                          "यूनिट में पंजीकरण कराएँ।"),
        documents=Text("Prescription and reports, BPL or Ayushman card, Aadhaar.",
                       "पर्चा और रिपोर्ट, बीपीएल या आयुष्मान कार्ड, आधार।"),
        helpline="104", link="https://nhm.gov.in",
        needs=("dialysis", "serious_illness")),
)
BY_ID = {scheme.scheme_id: scheme for scheme in SCHEMES}


def listed(scheme: Scheme) -> SchemeListed:
    """The scheme as its event publishes it."""
    return SchemeListed(
        scheme_id=scheme.scheme_id, slug=scheme.slug,
        name={"en": scheme.name.en, "hi": scheme.name.hi},
        details={field: {"en": text.en, "hi": text.hi} for field, text in (
            ("covers", scheme.covers), ("eligibility", scheme.eligibility),
            ("how_to_apply", scheme.how_to_apply), ("documents", scheme.documents))},
        helpline=scheme.helpline, link=scheme.link, needs=list(scheme.needs),
        states=list(scheme.states))
