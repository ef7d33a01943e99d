#include "host/terminal_texts.h"

#include <map>

namespace telemaint::host {

namespace {

const TerminalTexts kEnglish = {
    "Session code: %s   (read it to your technician; valid for %s)",
    "Technician %s asks to connect to this computer.",
    "%s asks to take control of this computer.",
    "  account: %s   key: %s",
    "Allow control [a], view only [v], or deny [d]?",
    "Allow [a] or deny [d]?",
    "Allow control [a] or keep view only [d]?",
    "%s (no answer within %s means no)",
    "%s (no answer within %s keeps view only)",
    "A technician, %s, asks to connect, but nobody can answer (standard input is closed): "
    "refused.",
    "%s is controlling your screen. Type s and Enter to stop%s.",
    "%s is viewing your screen. Type s and Enter to stop%s.",
    ", v for view only",
    ", a to allow control",
    "The technician left before you answered.",
    "The session ended: %s",
    "No answer: the technician was not let in.",
    "No answer: the session stays view only.",
    "Someone entered a wrong code. That code no longer works; here is a new one.",
    "Cannot reach the relay: %s",
    "The code expired; here is a new one.",
    "A technician tried an expired code; here is a new one.",
    "Here is a new code; the old one no longer works.",
    "Several wrong codes were tried; the next code comes in %s.",
    "Retrying in %s…",
    "A technician is connected (session %s).",
    "Lost the connection to the relay (%s).",
    "The relay says: %s",
    "The relay sent an unexpected message; reconnecting.",
    "session",
    "allowed:",
    ", then ",
    "ended",
    "(not recorded: the host stopped)",
    "signed receipt kept in %s",
    "a technician whose identity did not check out (not asked)",
    ", account %s, key %s",
    "no sessions recorded yet (%s)",
};

const TerminalTexts kFrench = {
    "Code de session : %s   (dictez-le à votre technicien ; valable %s)",
    "%s, de l'assistance, demande à se connecter à cet ordinateur.",
    "%s demande à prendre la main sur cet ordinateur.",
    "  compte : %s   clé : %s",
    "Autoriser le contrôle [a], vue seule [v] ou refuser [d] ?",
    "Autoriser [a] ou refuser [d] ?",
    "Autoriser le contrôle [a] ou garder la vue seule [d] ?",
    "%s (sans réponse dans %s, l'accès sera refusé)",
    "%s (sans réponse dans %s, la session reste en vue seule)",
    "%s, de l'assistance, demande à se connecter, mais personne ne peut répondre (l'entrée "
    "standard est fermée) : refusé.",
    "%s contrôle votre écran. Tapez s puis Entrée pour arrêter%s.",
    "%s voit votre écran. Tapez s puis Entrée pour arrêter%s.",
    ", v pour la vue seule",
    ", a pour autoriser le contrôle",
    "La personne de l'assistance est partie avant votre réponse.",
    "La session est terminée : %s",
    "Sans réponse : l'accès a été refusé.",
    "Sans réponse : la session reste en vue seule.",
    "Quelqu'un a saisi un code erroné. Ce code n'est plus valable ; en voici un nouveau.",
    "Le service d'assistance est injoignable : %s",
    "Le code a expiré ; en voici un nouveau.",
    "Un code expiré a été saisi ; en voici un nouveau.",
    "Voici un nouveau code ; l'ancien n'est plus valable.",
    "Plusieurs codes erronés ont été saisis ; le prochain code arrive dans %s.",
    "Nouvelle tentative dans %s…",
    "Une personne de l'assistance est connectée (session %s).",
    "Connexion au service d'assistance perdue (%s).",
    "Le service d'assistance répond : %s",
    "Le service d'assistance a envoyé un message inattendu ; nouvelle connexion.",
    "session",
    "autorisé :",
    ", puis ",
    "terminée",
    "(non noté : l'hôte s'est arrêté)",
    "reçu signé conservé dans %s",
    "une personne dont l'identité n'a pas été vérifiée (rien n'a été demandé)",
    ", compte %s, clé %s",
    "aucune session notée pour l'instant (%s)",
};

}  // namespace

const TerminalTexts& TerminalTextsFor(Language language) {
  return language == Language::kFrench ? kFrench : kEnglish;
}

const TerminalTexts& Said() {
  static const Language language = LanguageFromLocale();
  return TerminalTextsFor(language);
}

std::string LocalWord(const std::string& english, Language language) {
  if (language != Language::kFrench) return english;
  if (!english.empty() && english.back() == '.')  // a sentence's end: the same words
    return LocalWord(english.substr(0, english.size() - 1), language) + ".";
  // What HostSession records (session_consent.cc, host_session.cc) and the permissions' words.
  static const std::map<std::string, std::string> kFrenchWords = {
      {"control", "contrôle"},
      {"view only", "vue seule"},
      {"denied", "refusé"},
      {"no answer", "sans réponse"},
      {"you stopped it", "vous l'avez arrêtée"},
      {"the technician ended it", "le technicien l'a terminée"},
      {"the technician asked for control", "le technicien a demandé le contrôle"},
      {"request for control declined", "demande de contrôle refusée"},
      {"request for control not answered", "demande de contrôle sans réponse"},
      {"control (asked again)", "contrôle (demandé à nouveau)"},
      {"refused by this machine's policy", "refusé par la règle de cette machine"},
      {"control (policy allow: nobody was asked)",
       "contrôle (règle « autoriser » : personne n'a été sollicité)"},
      {"none (the technician left)", "aucune (le technicien est parti)"},
      {"the technician left before you answered", "le technicien est parti avant votre réponse"},
      {"no answer (denied)", "sans réponse (refusé)"},
      {"not let in: no answer", "pas d'accès : sans réponse"},
      {"you declined", "vous avez refusé"},
  };
  auto it = kFrenchWords.find(english);
  return it == kFrenchWords.end() ? english : it->second;
}

}  // namespace telemaint::host
