//! The server's messages in French. The use cases speak English; [`super::translate`] finds
//! a message's template here.

/// French versions of the server's English messages: (English, French); `{}` stands for a part
/// carried over (a number, a name, a line), itself translated when it is a known message.
pub(super) const MESSAGES_FR: &[(&str, &str)] = &[
    (
        "no student of this exam is in the class `{}`",
        "Aucun élève de ce devoir n\u{2019}est dans la classe «\u{a0}{}\u{a0}».",
    ),
    (
        "this exam has no students yet: import the roster and choose the exam's classes first",
        "Ce devoir n\u{2019}a pas encore d\u{2019}élèves\u{a0}: importez la liste des élèves et choisissez ses classes.",
    ),
    (
        "between 1 and 4 labels per student",
        "De 1 à 4 étiquettes par élève.",
    ),
    (
        "a sheet has 24 labels: skip 0 to 23",
        "Une planche compte 24 étiquettes\u{a0}: de 0 à 23 déjà utilisées.",
    ),
    (
        "unknown kind of mark `{}`: expected pen, highlight, text, tick, cross, rect, ellipse, arrow or stamp",
        "Type d\u{2019}annotation inconnu «\u{a0}{}\u{a0}»\u{a0}: stylo, surligneur, texte, coche, croix, rectangle, ellipse, flèche ou commentaire attendu.",
    ),
    (
        "the mark's `{}` is missing or not a number",
        "Annotation\u{a0}: «\u{a0}{}\u{a0}» manque ou n\u{2019}est pas un nombre.",
    ),
    (
        "the mark's `{}` lies outside the page (coordinates go from 0 to 1)",
        "Annotation\u{a0}: «\u{a0}{}\u{a0}» sort de la page (les coordonnées vont de 0 à 1).",
    ),
    (
        "a stroke has from 1 to 5000 points",
        "Un trait compte de 1 à 5\u{a0}000 points.",
    ),
    (
        "a mark's text has from 1 to 2000 characters",
        "Le texte d\u{2019}une annotation compte de 1 à 2\u{a0}000 caractères.",
    ),
    (
        "a colour is written #rrggbb",
        "Une couleur s\u{2019}écrit #rrggbb.",
    ),
    (
        "the mark has a field `{}` its kind does not use",
        "L\u{2019}annotation a un champ «\u{a0}{}\u{a0}» que son type n\u{2019}utilise pas.",
    ),
    (
        "a comment stays shared or personal: add a new one instead",
        "Un commentaire reste partagé ou personnel\u{a0}: ajoutez-en un nouveau.",
    ),
    (
        "a comment has from 1 to 500 characters",
        "Un commentaire compte de 1 à 500 caractères.",
    ),
    (
        "a comment's points go by quarter points, from -100 to 100",
        "Les points d\u{2019}un commentaire vont par quarts de point, de −100 à 100.",
    ),
    (
        "comment {} is not in this exam's comment bank",
        "Le commentaire {} n\u{2019}est pas dans la banque de commentaires de cette épreuve.",
    ),
    (
        "`{}` is not a member of this exam: add them first",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas membre de cette épreuve\u{a0}: ajoutez-le d\u{2019}abord dans ses paramètres.",
    ),
    (
        "`{}` is not one of your questions: another corrector grades it",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas l\u{2019}une de vos questions\u{a0}: un autre correcteur la corrige.",
    ),
    (
        "`{}` is not a question of this exam's scheme that takes a score",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une question notée du barème de cette épreuve.",
    ),
    (
        "`{}` is not a question of this exam's scheme",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une question du barème de cette épreuve.",
    ),
    (
        "`{}` is given to two correctors: each question has one",
        "«\u{a0}{}\u{a0}» est confiée à deux correcteurs\u{a0}: chaque question en a un seul.",
    ),
    (
        "nobody grades {}: give every question to a corrector",
        "Personne ne corrige {}\u{a0}: confiez chaque question à un correcteur.",
    ),
    (
        "give at least one question to a corrector",
        "Confiez au moins une question à un correcteur.",
    ),
    (
        "choose at least one corrector",
        "Choisissez au moins un correcteur.",
    ),
    (
        "every corrector's share must be a positive number",
        "La part de chaque correcteur doit être un nombre positif.",
    ),
    (
        "a corrector is listed twice",
        "Un correcteur figure deux fois dans la liste.",
    ),
    (
        "a remark has at most 2,000 characters",
        "Une remarque compte au plus 2\u{a0}000 caractères.",
    ),
    (
        "an appreciation has at most 2,000 characters",
        "Une appréciation compte au plus 2\u{a0}000 caractères.",
    ),
    (
        "another corrector drew this mark: only they can change it",
        "Un autre correcteur a tracé cette annotation\u{a0}: lui seul peut la modifier.",
    ),
    (
        "only a graded copy (or a finalized part of one) can be reopened",
        "Seule une copie corrigée (ou dont une partie est terminée) peut être rouverte.",
    ),
    (
        "say why the copy is reopened",
        "Indiquez pourquoi la copie est rouverte.",
    ),
    (
        "this copy changed meanwhile: reload it",
        "Cette copie a changé entre-temps\u{a0}: rechargez-la.",
    ),
    (
        "this copy is graded: a manager must reopen it before it changes",
        "Cette copie est corrigée\u{a0}: un responsable de l\u{2019}épreuve doit la rouvrir avant toute modification.",
    ),
    (
        "this copy is graded: reopen it before giving it to someone else",
        "Cette copie est corrigée\u{a0}: rouvrez-la avant de la confier à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this copy is not being graded (already graded, or not started)",
        "Cette copie n\u{2019}est pas en cours de correction (déjà corrigée, ou pas commencée).",
    ),
    (
        "this copy was finalized meanwhile",
        "Cette copie a été terminée entre-temps.",
    ),
    (
        "this exam is dispatched by copies: give a copy to someone else instead",
        "Cette épreuve est répartie par copies\u{a0}: confiez plutôt une copie à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this exam is dispatched by questions: give a question to someone else instead",
        "Cette épreuve est répartie par questions\u{a0}: confiez plutôt une question à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this exam is graded by questions and scores are given: reassign questions instead of dispatching by copies",
        "Cette épreuve est corrigée par questions et des notes sont déjà données\u{a0}: confiez les questions à d\u{2019}autres correcteurs plutôt que de répartir par copies.",
    ),
    (
        "this mark was changed meanwhile (another tab): reload it",
        "Cette annotation a été modifiée entre-temps (autre onglet)\u{a0}: rechargez la copie.",
    ),
    (
        "this page is not one of the copy's pages",
        "Cette page n\u{2019}appartient pas à la copie.",
    ),
    (
        "this score was saved meanwhile (another tab or corrector): reload it",
        "Cette note a été enregistrée entre-temps (autre onglet ou autre correcteur)\u{a0}: rechargez la copie.",
    ),
    (
        "unknown mode `{}`: expected copies or questions",
        "Mode inconnu «\u{a0}{}\u{a0}»\u{a0}: copies ou questions attendu.",
    ),
    (
        "you finalized `{}` on this copy: a manager must reopen it before it changes",
        "Vous avez terminé «\u{a0}{}\u{a0}» sur cette copie\u{a0}: un responsable doit la rouvrir avant toute modification.",
    ),
    (
        "you finalized your part of this copy: a manager must reopen it before it changes",
        "Vous avez terminé votre partie de cette copie\u{a0}: un responsable doit la rouvrir avant toute modification.",
    ),
    (
        "your part of this copy is already finalized",
        "Votre partie de cette copie est déjà terminée.",
    ),
    (
        "{} copies are already being graded by copies: finish or release them before dispatching by questions",
        "{} copies sont déjà en cours de correction par copies\u{a0}: terminez-les ou reprenez-les avant de répartir par questions.",
    ),
    (
        "{} already scored by another corrector: reassign them one by one if you mean it",
        "{}\u{a0}: déjà noté par un autre correcteur\u{a0}; utilisez «\u{a0}Confier\u{a0}» question par question si c\u{2019}est voulu.",
    ),
    (
        "{} points is more than the {} of `{}`",
        "{} points, c\u{2019}est plus que les {} de «\u{a0}{}\u{a0}».",
    ),
    ("{} question(s) without a score", "{} question(s) sans note"),
    ("no appreciation", "pas d\u{2019}appréciation"),
    (
        "{} score(s) above their maximum",
        "{} note(s) au-dessus de leur maximum",
    ),
    (
        "{} score(s) already given exceed their question's new maximum: confirm to save (they are kept and flagged on their copies)",
        "{} note(s) déjà attribuée(s) dépassent le nouveau maximum de leur question\u{a0}: confirmez pour enregistrer (elles sont conservées et signalées sur leurs copies)",
    ),
    (
        "wrong username or password",
        "Identifiant ou mot de passe incorrect.",
    ),
    (
        "this account is deactivated: ask an administrator",
        "Ce compte est désactivé\u{a0}: adressez-vous à un administrateur.",
    ),
    (
        "too many failed attempts: try again in {} seconds",
        "Trop de tentatives échouées\u{a0}: réessayez dans {} secondes.",
    ),
    (
        "you must change your password first",
        "Vous devez d\u{2019}abord changer votre mot de passe.",
    ),
    (
        "you are not allowed to do this",
        "Vous n\u{2019}avez pas le droit de faire cela.",
    ),
    (
        "you are not logged in",
        "Vous n\u{2019}êtes pas connecté\u{a0}: reconnectez-vous.",
    ),
    (
        "this setup link is invalid or was already used",
        "Ce lien de configuration n\u{2019}est pas valide ou a déjà servi.",
    ),
    (
        "an internal error occurred; it has been logged",
        "Une erreur interne s\u{2019}est produite\u{a0}; elle a été enregistrée. Réessayez plus tard.",
    ),
    (
        "the current password is wrong",
        "Le mot de passe actuel est incorrect.",
    ),
    (
        "the new password must differ from the current one",
        "Le nouveau mot de passe doit être différent de l\u{2019}actuel.",
    ),
    (
        "the password must have at least {} characters",
        "Le mot de passe doit comporter au moins {} caractères.",
    ),
    (
        "the password must have at most {} characters",
        "Le mot de passe doit comporter au plus {} caractères.",
    ),
    (
        "the password may not contain the username",
        "Le mot de passe ne doit pas contenir l\u{2019}identifiant.",
    ),
    (
        "this password is too common: choose one that others are unlikely to use",
        "Ce mot de passe est trop courant\u{a0}: choisissez-en un moins prévisible.",
    ),
    (
        "the username must have at least 2 characters",
        "L\u{2019}identifiant doit comporter au moins 2 caractères.",
    ),
    (
        "the username must have at most 150 characters",
        "L\u{2019}identifiant doit comporter au plus 150 caractères.",
    ),
    (
        "the username may not contain `{}`: use letters, digits and . _ @ + -",
        "L\u{2019}identifiant ne peut pas contenir «\u{a0}{}\u{a0}»\u{a0}: utilisez des lettres, des chiffres et . _ @ + -",
    ),
    ("the name may not be empty", "Le nom est obligatoire."),
    (
        "the name may not contain control characters",
        "Le nom ne peut pas contenir de caractères de contrôle.",
    ),
    (
        "the name must have at most 200 characters",
        "Le nom doit comporter au plus 200 caractères.",
    ),
    (
        "`{}` is not a valid e-mail address",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une adresse e-mail valide.",
    ),
    (
        "`{}` is not an e-mail address (no @)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une adresse e-mail (pas de @).",
    ),
    (
        "this {} is already taken",
        "Cette valeur ({}) est déjà utilisée.",
    ),
    (
        "this is the last active admin: create another admin first",
        "C\u{2019}est le dernier administrateur actif\u{a0}: créez-en un autre d\u{2019}abord.",
    ),
    (
        "you cannot remove your own admin rights or deactivate yourself",
        "Vous ne pouvez pas retirer vos propres droits d\u{2019}administrateur ni vous désactiver.",
    ),
    (
        "unknown role `{}`: expected admin, teacher or student",
        "Rôle inconnu «\u{a0}{}\u{a0}»\u{a0}: administrateur (admin), enseignant (teacher) ou élève (student) attendu.",
    ),
    (
        "unknown language `{}`: expected fr or en",
        "Langue inconnue «\u{a0}{}\u{a0}»\u{a0}: fr ou en attendu.",
    ),
    (
        "no active account `{}`",
        "Aucun compte actif avec l\u{2019}identifiant «\u{a0}{}\u{a0}».",
    ),
    (
        "this login and activation code do not match (or the code was already used)",
        "Cet identifiant et ce code d\u{2019}activation ne correspondent pas (ou le code a déjà servi).",
    ),
    (
        "this student has no account yet: generate the accounts of their class first",
        "Cet élève n\u{2019}a pas encore de compte\u{a0}: créez d\u{2019}abord ceux de sa classe.",
    ),
    (
        "every student of {} already has an account",
        "Tous les élèves de {} ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer.",
    ),
    (
        "every student already has an account",
        "Tous les élèves ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer.",
    ),
    (
        "missing or invalid CSRF token: reload the page and try again",
        "La page a expiré\u{a0}: rechargez-la (F5) puis recommencez.",
    ),
    (
        "cross-site request refused: the page that sent it is not a trusted origin",
        "Requête refusée\u{a0}: elle ne vient pas d\u{2019}une page de Korrigo.",
    ),
    (
        "this host name is not served here (see KORRIGO_ALLOWED_HOSTS)",
        "Ce nom d\u{2019}hôte n\u{2019}est pas servi ici (voir KORRIGO_ALLOWED_HOSTS).",
    ),
    (
        "a valid metrics token is required (X-Metrics-Token header or ?token=)",
        "Un jeton de métriques valide est requis (en-tête X-Metrics-Token ou\u{a0}?token=).",
    ),
    (
        "the field `{}` is too long: {} characters, at most {}",
        "Le champ «\u{a0}{}\u{a0}» est trop long\u{a0}: {} caractères, {} au plus.",
    ),
    (
        "the request body is too large (see KORRIGO_API_MAX_BYTES)",
        "Les données envoyées sont trop volumineuses.",
    ),
    (
        "the request body was not received in time",
        "Les données envoyées ne sont pas arrivées à temps\u{a0}: vérifiez la connexion et réessayez.",
    ),
    (
        "the request body is not the expected JSON: {}",
        "Les données envoyées ne sont pas valides\u{a0}: {}",
    ),
    (
        "no such API route: {}",
        "Cette adresse de l\u{2019}API n\u{2019}existe pas\u{a0}: {}",
    ),
    (
        "{} not found",
        "Introuvable (ou vous n\u{2019}y avez pas accès).",
    ),
    ("the file is empty", "Le fichier est vide."),
    (
        "this is not a CSV file (it contains binary data)",
        "Ce n\u{2019}est pas un fichier CSV (il contient des données binaires).",
    ),
    (
        "no recognisable header: found columns {}; expected at least a last name (Nom), a first name (Prénom) and a birth date (Né(e) le), or an Élèves column with a birth date",
        "En-tête non reconnu (colonnes trouvées\u{a0}: {})\u{a0}: il faut au moins les colonnes Nom, Prénom et Né(e) le, ou une colonne Élèves et une date de naissance.",
    ),
    (
        "no recognisable header: found columns {}; expected a last name (Nom) and an e-mail (Adresse e-mail)",
        "En-tête non reconnu (colonnes trouvées\u{a0}: {})\u{a0}: il faut au moins les colonnes Nom et Adresse e-mail.",
    ),
    (
        "this file is a student roster (it has a {} column): import it from Students (Élèves), not as staff",
        "Ce fichier est une liste d\u{2019}élèves (il a une colonne «\u{a0}{}\u{a0}»)\u{a0}: importez-le depuis la page Élèves, pas comme liste du personnel.",
    ),
    (
        "unreadable CSV near line {}: {}",
        "CSV illisible vers la ligne {}\u{a0}: {}",
    ),
    (
        "{} fields where the header has {}",
        "{} champs alors que l\u{2019}en-tête en a {}",
    ),
    ("the last name is missing", "le nom manque"),
    ("the first name is missing", "le prénom manque"),
    ("the birth date is missing", "la date de naissance manque"),
    ("the e-mail is missing", "l\u{2019}adresse e-mail manque"),
    (
        "invalid birth date: {}",
        "date de naissance invalide\u{a0}: {}",
    ),
    ("invalid e-mail: {}", "adresse e-mail invalide\u{a0}: {}"),
    ("duplicate of line {}", "doublon de la ligne {}"),
    (
        "cannot tell the last name from the first name in `{}` (expected the last name in capitals first)",
        "impossible de séparer le nom du prénom dans «\u{a0}{}\u{a0}» (le nom en capitales doit venir d\u{2019}abord)",
    ),
    (
        "`{}` is not a date (expected dd/mm/yyyy or yyyy-mm-dd)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une date (jj/mm/aaaa ou aaaa-mm-jj attendu)",
    ),
    ("{} is not a date", "{} n\u{2019}est pas une date"),
    (
        "the year {} is out of range",
        "l\u{2019}année {} n\u{2019}est pas plausible",
    ),
    (
        "the class name `{}` is longer than 50 characters",
        "le nom de classe «\u{a0}{}\u{a0}» dépasse 50 caractères",
    ),
    (
        "another student has the same name and birth date",
        "un autre élève a les mêmes nom, prénom et date de naissance",
    ),
    ("another student has this INE", "un autre élève a cet INE"),
    (
        "the file is {} MB; an import file may have at most {} MB",
        "Le fichier fait {} Mo\u{a0}; un fichier d\u{2019}import peut faire au plus {} Mo.",
    ),
    (
        "the file is larger than the {} MB accepted for an import",
        "Le fichier dépasse les {} Mo acceptés pour un import.",
    ),
    (
        "the file could not be read: {}",
        "Le fichier n\u{2019}a pas pu être lu\u{a0}: {}",
    ),
    (
        "unknown sort `{}`: expected name, class or group",
        "Tri inconnu «\u{a0}{}\u{a0}»\u{a0}: nom (name), classe (class) ou groupe (group) attendu.",
    ),
    (
        "the uploaded file is missing from the file store",
        "Le fichier envoyé a disparu du stockage\u{a0}: envoyez-le de nouveau.",
    ),
    (
        "the exam needs a name",
        "L\u{2019}examen doit avoir un nom.",
    ),
    (
        "the subject must have at most 100 characters",
        "La matière doit comporter au plus 100 caractères.",
    ),
    (
        "unknown layout `{}`: expected a4:N (N pages per copy) or a3",
        "Format inconnu «\u{a0}{}\u{a0}»\u{a0}: A4 (a4:N, N pages par copie) ou A3 (copies doubles) attendu.",
    ),
    (
        "`{}`: the number of A4 pages per copy must be from 1 to 64",
        "«\u{a0}{}\u{a0}»\u{a0}: le nombre de pages A4 par copie doit aller de 1 à 64.",
    ),
    (
        "the grade scale must be from 1 to 1000, not {}",
        "La note doit être sur 1 à 1000, pas sur {}.",
    ),
    (
        "`{}` is not a coefficient (a number from 0.1 to 100 with one decimal at most)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un coefficient (un nombre de 0,1 à 100 avec une décimale au plus).",
    ),
    (
        "`{}` is not a coefficient",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un coefficient.",
    ),
    (
        "unknown exam role `{}`: expected manager or corrector",
        "Rôle inconnu «\u{a0}{}\u{a0}»\u{a0}: gestionnaire (manager) ou correcteur (corrector) attendu.",
    ),
    (
        "an exam needs at least one manager",
        "Un examen doit garder au moins un gestionnaire.",
    ),
    (
        "only teachers and admins can be members of an exam",
        "Seuls les enseignants et administrateurs peuvent être membres d\u{2019}un examen.",
    ),
    (
        "someone else saved this scheme meanwhile: reload it to see their changes",
        "Quelqu\u{2019}un d\u{2019}autre a enregistré ce barème entre-temps\u{a0}: rechargez la page pour voir ses changements.",
    ),
    (
        "the scheme totals {} points but the exam is graded out of {}: confirm to save it (grades will be scaled)",
        "Le barème totalise {} points mais l\u{2019}examen est noté sur {}\u{a0}: confirmez pour l\u{2019}enregistrer (les notes seront ramenées à l\u{2019}échelle).",
    ),
    (
        "`{}` has no maximum points",
        "«\u{a0}{}\u{a0}» n\u{2019}a pas de maximum de points.",
    ),
    (
        "`{}` has sub-questions, so its points are their total and cannot be set",
        "«\u{a0}{}\u{a0}» a des sous-questions\u{a0}: ses points sont leur total et ne se saisissent pas.",
    ),
    (
        "`{}` is nested too deeply (exercise → question → sub-question at most)",
        "«\u{a0}{}\u{a0}» est trop imbriqué (exercice → question → sous-question au plus).",
    ),
    ("`{}` is worth 0 points", "«\u{a0}{}\u{a0}» vaut 0 point."),
    (
        "`{}` is not a valid node id",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un identifiant de nœud valide.",
    ),
    (
        "the id `{}` is used twice",
        "L\u{2019}identifiant «\u{a0}{}\u{a0}» est utilisé deux fois.",
    ),
    (
        "a node at position {} has no label",
        "Le nœud en position {} n\u{2019}a pas d\u{2019}intitulé.",
    ),
    (
        "the label at position {} is longer than 200 characters",
        "L\u{2019}intitulé en position {} dépasse 200 caractères.",
    ),
    (
        "the scheme has more than {} nodes",
        "Le barème a plus de {} éléments.",
    ),
    (
        "{} is not a multiple of 0.25",
        "{} n\u{2019}est pas un multiple de 0,25\u{a0}: les points vont par quarts de point.",
    ),
    (
        "{} is not a valid number of points",
        "{} n\u{2019}est pas un nombre de points valide.",
    ),
    (
        "{} points is more than the maximum of 1000",
        "{} points dépassent le maximum de 1000.",
    ),
    (
        "`{}` is not a number of points",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un nombre de points.",
    ),
    (
        "unknown sort `{}`: expected newest, date or name",
        "Tri inconnu «\u{a0}{}\u{a0}»\u{a0}: récents (newest), date ou nom (name) attendu.",
    ),
    ("the file needs a name", "Le fichier doit avoir un nom."),
    (
        "the file is {} MB, more than the limit of {} MB",
        "Le fichier fait {} Mo, plus que la limite de {} Mo.",
    ),
    (
        "the upload is at byte {}, not {}: resume from there",
        "L\u{2019}envoi en est à l\u{2019}octet {}, pas {}\u{a0}: reprenez à partir de là.",
    ),
    (
        "the chunk goes past the declared size ({} bytes) or over {} MB",
        "Ce morceau dépasse la taille annoncée ({} octets) ou {} Mo.",
    ),
    (
        "this upload is already complete",
        "Cet envoi est déjà complet.",
    ),
    (
        "another upload of this chunk won the race; ask for the offset again",
        "Ce morceau a déjà été reçu par un autre envoi\u{a0}; redemandez la position.",
    ),
    (
        "send the Upload-Offset header: the number of bytes already received",
        "Envoyez l\u{2019}en-tête Upload-Offset\u{a0}: le nombre d\u{2019}octets déjà reçus.",
    ),
    (
        "this batch is being processed; wait for it to finish",
        "Ce fichier est en cours de traitement\u{a0}: attendez la fin.",
    ),
    (
        "this batch is not waiting for a decision about a duplicate",
        "Ce fichier n\u{2019}attend pas de décision sur un doublon.",
    ),
    (
        "this batch's pages are in copies: edit them in the repair desk",
        "Les pages de ce fichier sont dans des copies\u{a0}: modifiez-les dans l\u{2019}atelier de réparation.",
    ),
    (
        "unknown grouping `{}`: expected fixed, headers or loose",
        "Regroupement inconnu «\u{a0}{}\u{a0}»\u{a0}: fixe (fixed), par en-têtes (headers) ou pages libres (loose) attendu.",
    ),
    (
        "{}: not a PDF, a ZIP or a JPEG/PNG image (the file starts with {})",
        "{}\u{a0}: ni un PDF, ni un ZIP, ni une image JPEG/PNG.",
    ),
    (
        "{}: the ZIP archive cannot be read ({})",
        "{}\u{a0}: l\u{2019}archive ZIP est illisible ({}).",
    ),
    (
        "{}: the file has no pages",
        "{}\u{a0}: le fichier n\u{2019}a aucune page.",
    ),
    (
        "{}: {} pages is more than the limit of {} per file; split the file",
        "{}\u{a0}: {} pages, plus que la limite de {} par fichier\u{a0}; découpez le fichier.",
    ),
    (
        "{}, page {}: the image declares {} × {} pixels, more than the limit of {} (a corrupt or hostile file)",
        "{}, page {}\u{a0}: l\u{2019}image annonce {} × {} pixels, plus que la limite de {} (fichier corrompu ou malveillant).",
    ),
    ("{}, page {}: {}", "{}, page {}\u{a0}: {}"),
    (
        "the PDF is truncated: its end (startxref / %%EOF) is missing; upload the complete file",
        "Le PDF est tronqué\u{a0}: sa fin manque\u{a0}; envoyez le fichier complet.",
    ),
    (
        "the PDF is encrypted or password-protected; save an unprotected copy and upload it again",
        "Le PDF est chiffré ou protégé par mot de passe\u{a0}; enregistrez-en une copie non protégée et envoyez-la.",
    ),
    ("the PDF is damaged: {}", "Le PDF est endommagé ({})."),
    (
        "the file does not start like a PDF (no %PDF- header)",
        "Le fichier ne commence pas comme un PDF.",
    ),
    (
        "an archive inside an archive; unpack it first",
        "Une archive dans l\u{2019}archive\u{a0}: décompressez-la d\u{2019}abord.",
    ),
    (
        "{} is itself a ZIP; unpack it first",
        "{} est lui-même un ZIP\u{a0}: décompressez-le d\u{2019}abord.",
    ),
    (
        "a copy cannot be merged into itself",
        "Une copie ne peut pas être fusionnée avec elle-même.",
    ),
    (
        "a copy needs at least one page; merge or delete its pages instead",
        "Une copie doit garder au moins une page\u{a0}: fusionnez-la ou retirez ses pages.",
    ),
    ("choose at least one page", "Choisissez au moins une page."),
    (
        "copy {} is {}: reopen it before changing its pages",
        "La copie {} est {}\u{a0}: rouvrez-la avant de changer ses pages.",
    ),
    ("page {} is listed twice", "La page {} est citée deux fois."),
    (
        "split before a page from 2 to {}",
        "Coupez avant une page de 2 à {}.",
    ),
    (
        "rotation must be 0, 90, 180 or 270 degrees, not {}",
        "La rotation doit être de 0, 90, 180 ou 270 degrés, pas {}.",
    ),
    (
        "choose a student, or not_student",
        "Choisissez un élève, ou «\u{a0}pas un élève\u{a0}».",
    ),
    (
        "this student is already on copy {}: swap (that copy goes back to pending)?",
        "Cet élève est déjà sur la copie {}\u{a0}: échanger (cette copie repasse à identifier)\u{a0}?",
    ),
    (
        "this student is not concerned by the exam (check its classes)",
        "Cet élève n\u{2019}est pas concerné par l\u{2019}examen (vérifiez ses classes).",
    ),
    (
        "expected pending, auto, manual or all",
        "Filtre attendu\u{a0}: à identifier (pending), automatiques (auto), manuelles (manual) ou toutes (all).",
    ),
    (
        "unknown format `{}`: expected pdf or json",
        "Format inconnu «\u{a0}{}\u{a0}»\u{a0}: pdf ou json attendu.",
    ),
    ("unknown action `{}`", "Action inconnue «\u{a0}{}\u{a0}»."),
    (
        "discarding this file also deletes the {} copies made from it",
        "Supprimer ce fichier supprime aussi les {} copies faites à partir de lui. Continuer\u{a0}?",
    ),
    (
        "copy {} is already being graded: this file can no longer be discarded",
        "La copie {} est déjà en correction\u{a0}: ce fichier ne peut plus être supprimé.",
    ),
    (
        "some of its copies also hold pages of another file: move those pages in the repair desk first",
        "Certaines de ses copies contiennent aussi des pages d\u{2019}un autre fichier\u{a0}: déplacez-les d\u{2019}abord dans l\u{2019}atelier de réparation.",
    ),
    ("processing failed: {}", "Le traitement a échoué\u{a0}: {}"),
    (
        "cannot read the uploaded file: {}",
        "Le fichier envoyé est illisible\u{a0}: {}",
    ),
    (
        "page {}'s image cannot be read: {}",
        "l\u{2019}image de la page {} est illisible\u{a0}: {}",
    ),
    (
        "the image of page {} is missing",
        "l\u{2019}image de la page {} est introuvable",
    ),
    (
        "the embedded font could not be loaded",
        "la police intégrée n\u{2019}a pas pu être chargée",
    ),
    (
        "the PDF could not be written: {}",
        "le PDF n\u{2019}a pas pu être écrit\u{a0}: {}",
    ),
    (
        "the PDF could not be kept: {}",
        "le PDF n\u{2019}a pas pu être enregistré\u{a0}: {}",
    ),
    (
        "the PDF writer stopped: {}",
        "l\u{2019}écriture du PDF s\u{2019}est arrêtée\u{a0}: {}",
    ),
    ("the exam is gone", "l\u{2019}examen n\u{2019}existe plus"),
    ("{}: {}", "{}\u{a0}: {}"),
    // A list of problems ("2 question(s) without a score, no appreciation"), each translated.
    ("{}, {}", "{}, {}"),
    // Harmonisation.
    (
        "an offset of 0 changes nothing",
        "Un décalage de 0 ne change rien.",
    ),
    (
        "an offset is at most {} points either way (the whole scale)",
        "Un décalage vaut au plus {} points, dans un sens ou dans l\u{2019}autre (tout le barème).",
    ),
    (
        "an offset is a multiple of 0.1 or 0.25 point",
        "Un décalage est un multiple de 0,1 ou de 0,25 point.",
    ),
    (
        "the anchors are grades between 0 and {}; {} is not",
        "Les notes de référence vont de 0 à {}\u{a0}; {} n\u{2019}en est pas une.",
    ),
    (
        "the first anchor starts from a lower grade than the second",
        "La première note de référence doit être plus basse que la seconde.",
    ),
    (
        "a linear map keeps the order of grades: the second anchor's grade cannot end below the first's",
        "Une application linéaire garde l\u{2019}ordre des notes\u{a0}: la seconde note ne peut pas devenir plus basse que la première.",
    ),
    (
        "these anchors change nothing",
        "Ces notes de référence ne changent rien.",
    ),
    (
        "{} has more than two decimals",
        "{} a plus de deux décimales.",
    ),
    ("{} is too large", "{} est trop grand."),
    (
        "an offset takes no anchors (use `kind: linear`)",
        "Un décalage ne prend pas de notes de référence (utilisez «\u{a0}kind: linear\u{a0}»).",
    ),
    (
        "give the points to add, e.g. 0.5 or -1",
        "Indiquez les points à ajouter, par exemple 0,5 ou −1.",
    ),
    (
        "a linear map takes two anchors, not an offset (use `kind: offset`)",
        "Une application linéaire prend deux notes de référence, pas un décalage (utilisez «\u{a0}kind: offset\u{a0}»).",
    ),
    (
        "give exactly two anchors, e.g. [{\"from\": 10, \"to\": 11}, {\"from\": 16, \"to\": 16}]",
        "Indiquez exactement deux notes de référence, par exemple [{\"from\": 10, \"to\": 11}, {\"from\": 16, \"to\": 16}].",
    ),
    (
        "{} is below 0: grades start at 0",
        "{} est négatif\u{a0}: les notes commencent à 0.",
    ),
    (
        "`{}` is not a kind of adjustment: `offset` or `linear`",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un type d\u{2019}harmonisation\u{a0}: «\u{a0}offset\u{a0}» ou «\u{a0}linear\u{a0}».",
    ),
    (
        "`{}` is not a member of this exam",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas membre de cet examen.",
    ),
    (
        "this exam is dispatched by questions: every copy has several correctors, so one corrector's grades cannot be adjusted apart",
        "Cet examen est réparti par questions\u{a0}: chaque copie a plusieurs correcteurs, on ne peut donc pas harmoniser les notes d\u{2019}un seul.",
    ),
    (
        "this adjustment was already removed",
        "Cette harmonisation a déjà été annulée.",
    ),
];
