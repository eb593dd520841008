"""English (and a little Flemish and chat Dutch) words mapped to the Dutch word they stand for.

Expats write in English and some members in Flemish or chat spelling; the training corpus has
few such messages, so their words have little evidence of their own. The classifier's
featurizer adds the Dutch word's features to such a word ("stolen" also counts as "gestolen").
The list covers the vocabulary of the signal categories and of common chat, nothing more.
"""

from __future__ import annotations

from nlp.lexicon import word_list

_PAIRS = """
burglar inbreker  burglars inbrekers  burglary inbraak  break-in inbraak  broke ingebroken
breaking inbreken  stolen gestolen  stole gestolen  steal stelen  stealing stelen  theft diefstal
thief dief  thieves dieven  robbed beroofd  robbery overval  mugged beroofd  suspicious verdacht
suspect verdachte  loitering rondhangen  lurking rondhangen  prowling rondsluipen
dealing dealen  dealer dealer  dealers dealers  fight vechtpartij  fighting vechten
punch slaan  punched geslagen  punching slaan  hit geslagen  beating slaan  beaten geslagen
attacked aangevallen  attack aanval  assault mishandeling  threatened bedreigd  threat bedreiging
knife mes  gun pistool  weapon wapen  bat knuppel  scam oplichting  scammer oplichter
scammers oplichters  fraud fraude  fake nep  vandalism vandalisme  vandalised vernield
vandalized vernield  smashed ingegooid  broken kapot  keyed bekrast  scratched bekrast
slashed lekgestoken  tyres banden  tires banden  window raam  windows ramen  door deur
car auto  cars auto's  bike fiets  bikes fietsen  van busje  police politie  cops politie
noise lawaai  noisy lawaaiig  loud hard  music muziek  party feest  parties feesten  bass bas
barking blaffen  barks blaft  dog hond  dogs honden  poop poep  rubbish afval  garbage afval
trash afval  litter zwerfvuil  dumped gedumpt  dumping dumpen  fireworks vuurwerk
firework vuurwerk  teenagers jongeren  teens jongeren  youths jongeren  kids kinderen
parking parkeren  parked geparkeerd  speeding hardrijden  racing racen  pothole gat
streetlight lantaarnpaal  smell stank  smoke rook  fire brand  rats ratten  needles naalden
collapsed onwel  fainted flauwgevallen  fell gevallen  fallen gevallen  unconscious bewusteloos
breathing ademen  bleeding bloedt  injured gewond  hurt gewond  ambulance ambulance
confused verward  dementia dementie  missing vermist  worried bezorgd  elderly oudere
lonely eenzaam  screaming schreeuwen  shouting schreeuwen  yelling schreeuwen  crying huilen
unwell onwel  sick ziek  abuse mishandeling  domestic huiselijk  wife vrouw  husband man
child kind  children kinderen  neighbour buurman  neighbor buurman  neighbours buren
neighbors buren  thanks bedankt  thank bedankt  anyone iemand  someone iemand  now nu
just net  right nu  happening gebeurt  help help  call bellen  called gebeld
ambetant vervelend  gsm telefoon  allee kom  vnacht vannacht  gisternacht vannacht
ff even  idd inderdaad  wss waarschijnlijk  mss misschien  tis het_is
"""

TRANSLATIONS: dict[str, str] = dict(
    zip(word_list(_PAIRS)[::2], word_list(_PAIRS)[1::2], strict=True)
)
