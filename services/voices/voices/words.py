"""Words that follow a name's cue but are not a person's name (voices.names): months and
weekdays, kinship and address words, medicines, and the small words of English and Hindi
sentences. Pure data."""

MONTHS = ("january february march april may june july august september october november "
          "december jan feb mar apr jun jul aug sep sept oct nov dec")
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
KINSHIP = ("amma appa ammi abba papa mummy mama mami mamu dada dadi nana nani didi bhaiya "
           "bhabhi chacha chachi tau tai bua mausi mausa beta beti baba maa ma mom mum dad "
           "daddy mother father sister brother aunty auntie uncle grandma grandpa granny sir "
           "madam doctor nurse sister guru guruji swami sahab saheb sahib ji bhai pandit "
           "master")
# Words a sentence or a greeting starts with, that a suffix such as "ji" may follow.
SMALL = ("the a an and but or so then this that these those he she it they we you i my "
         "our his her their its yes no okay ok thank thanks sorry please hello hi namaste "
         "namaskar haan ha accha achha theek bas arre who what when where why how there "
         "here also even just only very today yesterday tomorrow morning evening night "
         "hospital clinic ward doctor's said told asked came went was is were are had has "
         "have will would could should did does do in on at of to for from with by")
# Brand and generic medicine names common in India that read like a name after "called".
MEDICINES = ("paracetamol crocin dolo calpol combiflam disprin aspirin ibuprofen brufen "
             "metformin glycomet insulin lantus thyroxine thyronorm eltroxin amoxicillin "
             "augmentin azithromycin azee ciprofloxacin cetirizine allegra montair "
             "pantoprazole pan omeprazole omez ranitidine rantac digene gelusil ecosprin "
             "atorvastatin rosuvastatin amlodipine telmisartan losartan metoprolol "
             "glimepiride sitagliptin januvia remdesivir dexamethasone prednisolone "
             "wysolone ors becosules shelcal limcee zincovit liv evion neurobion "
             "methotrexate tamoxifen herceptin keytruda tenofovir isoniazid rifampicin "
             "ethambutol pyrazinamide ivermectin hydroxychloroquine chloroquine "
             "levothyroxine warfarin clopidogrel heparin morphine tramadol diclofenac "
             "voveran volini moov iodex vicks saridon")
NOT_NAMES = frozenset(" ".join((MONTHS, WEEKDAYS, KINSHIP, SMALL, MEDICINES)).split())
# The endings of generic medicine names (INN stems): -mycin, -cillin, -statin, …
MEDICINE_ENDINGS = ("mycin", "cillin", "statin", "pril", "sartan", "olol", "prazole",
                    "mab", "formin", "dipine", "oxacin", "cycline", "tidine", "afil",
                    "tinib", "gliptin", "azepam", "codone", "profen", "sone",
                    "olone", "tadine", "mide", "zine")

HINDI_MONTHS = ("जनवरी फ़रवरी फरवरी मार्च अप्रैल अप्रेल मई जून जुलाई अगस्त सितंबर सितम्बर "
                "अक्टूबर अक्तूबर नवंबर नवम्बर दिसंबर दिसम्बर")
HINDI_WEEKDAYS = "सोमवार मंगलवार बुधवार गुरुवार बृहस्पतिवार शुक्रवार शनिवार रविवार"
HINDI_KINSHIP = ("माँ मां माता पिता पिताजी बाबा बाबूजी पापा मम्मी अम्मा दादी नानी दादा नाना "
                 "भाई भैया दीदी बहन चाचा चाची मामा मामी बुआ मौसी बेटा बेटी पति पत्नी डॉक्टर "
                 "डॉक्टरनी नर्स साहब गुरु गुरुजी स्वामी सर मैडम पंडित मास्टर सिस्टर भैया")
# Postpositions, auxiliaries and the small words of a Hindi sentence.
HINDI_SMALL = ("ने को से का की के में पर तक है हैं था थे थी थीं हूँ हूं हो और या भी ही तो "
               "नहीं न एक यह वह ये वो इस उस जब तब अब फिर लेकिन पर बहुत कहा बोले बोला "
               "बोली बताया गए गई गया आए आई आया हमेशा अस्पताल दवा दवाई इलाज मेरा मेरी मेरे "
               "उनका उनकी उनके उसका उसकी उसके हमारा हमारी हमारे कुछ सब क्या कौन कैसे क्यों "
               "जी साहिब हाँ हां नमस्ते धन्यवाद लिखा पूछा दिया लिया रखा पता बीमार ठीक "
               "कमज़ोर कमजोर परेशान दुखी खुश अकेले अकेली")
HINDI_MEDICINES = ("पैरासिटामोल क्रोसिन डोलो मेटफॉर्मिन मेटफार्मिन इंसुलिन इन्सुलिन एस्पिरिन "
                   "थायरोक्सिन एमोक्सिसिलिन अमोक्सिसिलिन")
HINDI_NOT_NAMES = frozenset(" ".join((HINDI_MONTHS, HINDI_WEEKDAYS, HINDI_KINSHIP,
                                      HINDI_SMALL, HINDI_MEDICINES)).split())
