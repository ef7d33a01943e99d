#include "host/gui/texts.h"

#include <cstdio>
#include <cstdlib>

namespace telemaint::host::gui {

namespace {

const Texts kEnglish = {
    "telemaint — remote help",
    "Your session code",
    "Read it to your technician on the phone. Nobody can see your screen unless you say yes.",
    "Valid for %s",
    "New code",
    "Please wait",
    "Connecting to the help service…",
    "No connection",
    "The help service cannot be reached. Trying again in a few seconds.",
    "Waiting for your technician.",
    "Someone entered a wrong code. That code is no longer valid; here is a new one.",
    "A technician is asking",
    "A technician asks to connect: answer in the window that just opened.",
    "Session in progress",
    "A session is running. The banner at the top of the screen can stop it at any time.",
    "Session ended",
    "The last session has ended.",
    "The session with %s has ended — %s.",
    "less than a minute",
    "telemaint — a technician asks to connect",
    "A technician asks to connect to this computer:",
    "They ask to see your screen and to use your keyboard and mouse.",
    "telemaint — %s asks to take control",
    "A request to take control, from:",
    "They can already see your screen (you chose “View only”) and now ask to use your "
    "keyboard and mouse too.",
    "Account %s, key %s",
    "Without an answer in %s, access will be refused.",
    "Without an answer in %s, the session stays view only.",
    "Allow control",
    "View only",
    "Deny",
    "Keep view only",
    "%s is controlling your screen",
    "%s is viewing your screen",
    "Stop",
    "Remote help is not set up on this computer yet. Please call your IT provider: they set "
    "it up once, in the file /etc/telemaint/host.conf.",
    "Close",
};

const Texts kFrench = {
    "telemaint — assistance à distance",
    "Votre code de session",
    "Dictez-le à votre technicien au téléphone. Personne ne voit votre écran sans votre "
    "accord.",
    "Valable encore %s",
    "Nouveau code",
    "Veuillez patienter",
    "Connexion au service d'assistance…",
    "Pas de connexion",
    "Le service d'assistance est injoignable. Nouvelle tentative dans quelques secondes.",
    "En attente de votre technicien.",
    "Quelqu'un a saisi un code erroné. Ce code n'est plus valable ; en voici un nouveau.",
    "Demande de connexion",
    "Une personne de l'assistance demande à se connecter : répondez dans la fenêtre qui "
    "vient de s'ouvrir.",
    "Session en cours",
    "Une session est en cours. Le bandeau en haut de l'écran permet de l'arrêter à tout "
    "moment.",
    "Session terminée",
    "La dernière session est terminée.",
    "La session avec %s est terminée — %s.",
    "moins d'une minute",
    "telemaint — demande de connexion à votre ordinateur",
    "Demande de connexion à cet ordinateur, de la part de :",
    "Cette personne demande à voir votre écran et à utiliser votre clavier et votre souris.",
    "telemaint — %s demande à prendre la main",
    "Demande de prise en main, de la part de :",
    "Cette personne voit déjà votre écran (vous avez choisi « Vue seule ») et demande à "
    "utiliser aussi votre clavier et votre souris.",
    "Compte %s, clé %s",
    "Sans réponse dans %s, l'accès sera refusé.",
    "Sans réponse dans %s, la session reste en vue seule.",
    "Autoriser le contrôle",
    "Vue seule",
    "Refuser",
    "Garder la vue seule",
    "%s contrôle votre écran",
    "%s voit votre écran",
    "Arrêter",
    "L'assistance à distance n'est pas encore configurée sur cet ordinateur. Appelez votre "
    "prestataire informatique : la configuration se fait une fois, dans le fichier "
    "/etc/telemaint/host.conf.",
    "Fermer",
};

}  // namespace

const Texts& TextsFor(Language language) {
  return language == Language::kFrench ? kFrench : kEnglish;
}

std::string SessionLength(const Texts& texts, long seconds) {
  if (seconds < 60) return texts.less_than_a_minute;
  const long minutes = seconds / 60;
  char out[32];
  if (minutes < 60)
    std::snprintf(out, sizeof out, "%ld min", minutes);
  else
    std::snprintf(out, sizeof out, "%ld h %02ld min", minutes / 60, minutes % 60);
  return out;
}

}  // namespace telemaint::host::gui
