"""The consent wordings, versioned per purpose, in English and Hindi (India's DPDP Act asks
for notices in the person's language). A wording once shown is never edited: a change is
a new version, and the events keep the exact words each person saw."""

from dataclasses import dataclass

from contracts.voices.messages import Wording


class UnknownWordingError(LookupError):
    field = "version"

    def __init__(self, purpose: str, current: str) -> None:
        super().__init__(f"the wording of '{purpose}' now shown is version {current}: "
                         "show it and record that one")


@dataclass(frozen=True)
class Notice:
    purpose: str
    version: str
    en: str
    hi: str

    def text(self, language: str) -> str:
        return self.hi if language == "hi" else self.en


NOTICES = (
    Notice("take_part", "2026-12",
           "I agree to take part in The Voices Project of the Patients' Union and to record "
           "my story. My draft stays private to me. Nothing is shown to anyone until I have "
           "seen the finished story with its transcript and released it, and I can withdraw "
           "it at any time, which removes it and deletes its recording.",
           "मैं पेशेंट्स यूनियन की 'वॉइसेज़ प्रोजेक्ट' में भाग लेने और अपनी कहानी रिकॉर्ड करने "
           "के लिए सहमत हूँ। मेरा मसौदा केवल मेरे लिए निजी रहता है। जब तक मैं पूरी कहानी उसकी "
           "प्रतिलिपि के साथ देखकर उसे जारी नहीं करता/करती, तब तक कुछ भी किसी को नहीं दिखाया "
           "जाता, और मैं इसे कभी भी वापस ले सकता/सकती हूँ, जिससे यह हट जाती है और इसकी "
           "रिकॉर्डिंग मिटा दी जाती है।"),
    Notice("subject_consent", "2026-12",
           "I am the person this story is about (or their guardian). I agree that the "
           "caregiver who tells it may share it with the Patients' Union as they release "
           "it, and I may ask for it to be withdrawn at any time.",
           "मैं वह व्यक्ति हूँ जिसके बारे में यह कहानी है (या उनका/उनकी अभिभावक)। मैं सहमत हूँ "
           "कि इसे सुनाने वाले देखभालकर्ता इसे पेशेंट्स यूनियन के साथ उसी तरह साझा कर सकते हैं "
           "जैसे वे इसे जारी करें, और मैं कभी भी इसे वापस लेने के लिए कह सकता/सकती हूँ।"),
    Notice("third_party", "2026-12",
           "I can be recognised in this story. I agree to appear in it as it is released; I "
           "may ask the storyteller to redact what identifies me.",
           "इस कहानी में मुझे पहचाना जा सकता है। मैं सहमत हूँ कि जैसे यह जारी हो, मैं इसमें "
           "दिखूँ; मैं कहानीकार से वह हिस्सा हटाने के लिए कह सकता/सकती हूँ जिससे मेरी पहचान होती है।"),
    Notice("release", "2026-12",
           "I have seen my finished story with its transcript. I release it to be shown as I "
           "chose here (to whom, with my name or without, and whether the union may use it in "
           "its reports to policy makers). I can withdraw it at any time.",
           "मैंने अपनी पूरी कहानी उसकी प्रतिलिपि के साथ देख ली है। मैं इसे उसी तरह दिखाए जाने के "
           "लिए जारी करता/करती हूँ जैसा मैंने यहाँ चुना (किसे, मेरे नाम के साथ या बिना, और क्या "
           "यूनियन इसे नीति निर्माताओं को अपनी रिपोर्टों में उपयोग कर सकती है)। मैं इसे कभी भी "
           "वापस ले सकता/सकती हूँ।"),
)
CURRENT = {notice.purpose: notice for notice in NOTICES}  # one version shown per purpose


def wording(purpose: str, version: str, language: str) -> str:
    """The exact words of the current version; a stale or unknown version is refused."""
    notice = CURRENT[purpose]
    if version != notice.version:
        raise UnknownWordingError(purpose, notice.version)
    return notice.text(language)


def wordings(language: str | None) -> list[Wording]:
    languages = [language] if language else ["en", "hi"]
    return [Wording(purpose=n.purpose, version=n.version, language=lang,
                    wording=n.text(lang)) for n in NOTICES for lang in languages]
