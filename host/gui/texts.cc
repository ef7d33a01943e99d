#include "host/gui/texts.h"

#include <cstdlib>

namespace telemaint::host::gui {

Language LanguageFromLocale() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"}) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    std::string v = value;
    if (v == "C" || v == "POSIX" || v.rfind("C.", 0) == 0) return Language::kEnglish;
    return v.rfind("fr", 0) == 0 ? Language::kFrench : Language::kEnglish;
  }
  return Language::kEnglish;
}

namespace {

const Texts kEnglish = {
    "telemaint — remote help",
    "Your session code",
    "Read it to your technician on the phone. Nobody can see your screen unless you say yes.",
    "Valid for %s",
    "New code",
    "Connecting to the help service…",
    "The help service cannot be reached; trying again.",
    "Waiting for your technician.",
    "Someone entered a wrong code. That code no longer works; here is a new one.",
    "A technician asks to connect: answer in the window that opened.",
    "A session is running. Use the banner at the top of the screen to stop it.",
    "The last session has ended.",
    "telemaint — a technician asks to connect",
    "A technician asks to connect to this computer:",
    "They ask to see your screen and to use your keyboard and mouse.",
    "They ask to use your keyboard and mouse as well (you allowed viewing only).",
    "Account %s, key %s",
    "Without an answer within %s, the answer is no.",
    "Allow control",
    "View only",
    "Deny",
    "Keep view only",
    "%s is controlling your screen",
    "%s is viewing your screen",
    "Stop",
};

const Texts kFrench = {
    "telemaint — assistance à distance",
    "Votre code de session",
    "Lisez-le à votre technicien au téléphone. Personne ne voit votre écran sans votre accord.",
    "Valable encore %s",
    "Nouveau code",
    "Connexion au service d'assistance…",
    "Le service d'assistance est injoignable ; nouvel essai bientôt.",
    "En attente de votre technicien.",
    "Quelqu'un a saisi un code erroné. Ce code ne marche plus ; en voici un nouveau.",
    "Un technicien demande à se connecter : répondez dans la fenêtre ouverte.",
    "Une session est en cours. Le bandeau en haut de l'écran permet de l'arrêter.",
    "La dernière session est terminée.",
    "telemaint — un technicien demande à se connecter",
    "Un technicien demande à se connecter à cet ordinateur :",
    "Il demande à voir votre écran et à utiliser votre clavier et votre souris.",
    "Il demande aussi à utiliser votre clavier et votre souris (vous n'avez permis que la vue).",
    "Compte %s, clé %s",
    "Sans réponse d'ici %s, la réponse est non.",
    "Autoriser le contrôle",
    "Vue seule",
    "Refuser",
    "Garder la vue seule",
    "%s contrôle votre écran",
    "%s voit votre écran",
    "Arrêter",
};

}  // namespace

const Texts& TextsFor(Language language) {
  return language == Language::kFrench ? kFrench : kEnglish;
}

std::string Fill(const char* text, const std::string& value) {
  return Fill(text, value, std::string());
}

std::string Fill(const char* text, const std::string& first, const std::string& second) {
  // Values come from the relay: a "%s" inside one is text, never a place to fill.
  std::string out = text;
  size_t at = out.find("%s");
  if (at == std::string::npos) return out;
  out.replace(at, 2, first);
  at = out.find("%s", at + first.size());
  if (at != std::string::npos) out.replace(at, 2, second);
  return out;
}

}  // namespace telemaint::host::gui
