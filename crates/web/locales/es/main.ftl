# Las páginas de Linkwork en español. Todos los textos que muestra una página están aquí; el inglés (en) y
# el lao (lo) tienen los mismos mensajes. Los marcadores como { $name } los rellena el programa: déjelos tal
# cual. Los mensajes con nombre de código (status-…, need-…) siguen las listas de códigos de la API.

## El marco de cada página

app-name = Linkwork
skip-to-content = Saltar al contenido principal
nav-label = Menú principal
nav-directory = Buscar servicios
nav-self-referral = Pedir ayuda para usted
nav-caseload = Mis casos asignados
nav-my-referrals = Mis derivaciones
nav-refer = Derivar a alguien
nav-inbox = Derivaciones recibidas
nav-listings = Nuestros servicios
nav-users = Usuarios
nav-organisations = Organizaciones
nav-imports = Importaciones
nav-audit = Registro de auditoría
language-label = Idioma
language-change = Cambiar
language-own-name-en = English
language-own-name-es = Español
language-own-name-lo = ລາວ
language-pseudo = Pseudoidioma (pruebas)
sign-in = Iniciar sesión
sign-out-as = Cerrar sesión ({ $name })
footer-text = Linkwork: prescripción social, de la derivación a la comunidad y de vuelta.
back-home = Volver a su página de inicio
search = Buscar
choose = Elija…
yes = Sí
where = Dónde
not-stated = No indicado
times-in-utc = Las horas están en UTC.
reference-line = Referencia { $reference }
safeguarding-flag = Protección (salvaguarda)
error-summary-title = Hay un problema
result-pages = Páginas de resultados
previous-page = Página anterior
next-page = Página siguiente

## Mensajes tras enviar un formulario

done-referral-sent = Se ha enviado su derivación. El servicio de profesionales de enlace se pondrá en contacto con la persona.
done-taken-on = Ha asumido el caso de esta persona.
done-status-contact-attempted = Se ha registrado el intento de contacto.
done-status-contacted = Se ha registrado el contacto.
done-status-assessed = La valoración de la persona ya está hecha.
done-status-plan-agreed = Se ha acordado el plan. Se ha informado a quien hizo la derivación.
done-status-active = El apoyo está en marcha.
done-status-closed = El episodio está cerrado. Se ha informado a quien hizo la derivación.
done-assessment-saved = Se ha guardado la valoración.
done-goal-added = Se ha añadido el objetivo.
done-goal-reviewed = Se ha guardado la revisión del objetivo.
done-note-added = Se ha añadido la nota.
done-follow-up-added = Se ha programado el seguimiento.
done-follow-up-done = El seguimiento está hecho.
done-plan-item-added = Añadido al plan.
done-referred-onward = Se ha enviado la derivación a la organización.
done-task-received = Marcada como recibida.
done-task-accepted = Ha aceptado la derivación. El profesional de enlace puede verlo.
done-task-rejected = Ha rechazado la derivación. El profesional de enlace puede ver el motivo.
done-task-in-progress = La persona está inscrita.
done-task-on-hold = La derivación está en espera.
done-task-completed = La derivación se ha completado.
done-task-failed = La derivación se ha marcado como no aprovechada.
done-task-cancelled = Se ha cancelado la derivación. El profesional de enlace puede ver el motivo.
done-attendance-recorded = Se ha registrado la asistencia.
done-user-disabled = El usuario ya no puede iniciar sesión.
done-user-enabled = El usuario puede volver a iniciar sesión.
done-member-added = Se ha añadido el miembro.
done-member-removed = Se ha quitado el miembro.

## Errores mostrados como páginas

problem-invalid-request = Algo en esa solicitud no era correcto
problem-invalid-request-detail = Vuelva atrás, revise lo que ha introducido e inténtelo de nuevo.
problem-invalid-input = Hay que corregir parte de lo que ha introducido
problem-invalid-input-detail = Vuelva atrás, revise lo que ha introducido e inténtelo de nuevo.
problem-unauthorized = Inicie sesión
problem-unauthorized-detail = Puede que su sesión haya terminado. Vuelva a iniciar sesión para continuar.
problem-forbidden = No puede hacer esto
problem-forbidden-detail = Su rol no lo permite, o el formulario había caducado. Recargue la página e inténtelo de nuevo, o consulte a su administrador.
problem-not-found = Página no encontrada
problem-not-found-detail = Aquí no hay nada que usted pueda ver. Compruebe la dirección o vuelva a su página de inicio.
problem-conflict = Esto no se puede hacer ahora
problem-conflict-detail = El registro ha cambiado desde que se mostró la página. Recárguela para ver en qué punto está.
problem-edit-conflict = Otra persona ha modificado este registro
problem-edit-conflict-detail = Recargue la página para ver su cambio y, después, vuelva a hacer el suyo.
problem-version-required = Hay que recargar este registro
problem-version-required-detail = Recargue la página y vuelva a hacer su cambio.
problem-too-many-attempts = Demasiados intentos
problem-too-many-attempts-detail = Espere unos minutos e inténtelo de nuevo.
problem-too-large = Lo que ha enviado es demasiado grande
problem-too-large-detail = Envíe menos contenido cada vez.
problem-unsupported-media-type = Aquí no se puede enviar ese tipo de contenido
problem-unsupported-media-type-detail = Use el formulario de la página.
problem-internal = Algo ha fallado por nuestra parte
problem-internal-detail = Ha quedado registrado. Inténtelo de nuevo; si sigue ocurriendo, avise a su administrador.
problem-unavailable = No disponible temporalmente
problem-unavailable-detail = Inténtelo de nuevo dentro de unos minutos.

## Inicio de sesión

field-username = Nombre de usuario
field-username-hint = Letras minúsculas sin acentos, cifras y . _ - @
field-password = Contraseña
sign-in-expired = Este formulario había caducado. Vuelva a iniciar sesión.
sign-in-missing = Escriba su nombre de usuario y su contraseña.
sign-in-wrong = El nombre de usuario o la contraseña no son correctos.
sign-in-locked = Ha habido demasiados intentos fallidos de inicio de sesión en esta cuenta. Inténtelo de nuevo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}, o consulte a un administrador.
sign-in-self-referral = ¿Busca ayuda para usted?
home-title = Inicio
home-hello = Hola, { $name }
home-signed-in-as = Ha iniciado sesión como { $username } ({ $roles }).

## Listas de códigos

role-admin = Administrador/a
role-referrer = Profesional que deriva
role-link-worker = Profesional de enlace
role-provider = Organización comunitaria
role-facilitator = Facilitador/a
role-analyst = Analista
status-received = Nueva derivación
status-contact-attempted = Intento de contacto
status-contacted = Contacto realizado
status-assessed = Valoración realizada
status-plan-agreed = Plan acordado
status-active = Apoyo en marcha
status-closed = Cerrado
urgency-routine = Ordinaria
urgency-soon = Prioritaria
urgency-urgent = Urgente
source-gp = Médico/a de cabecera
source-nurse = Enfermero/a
source-hospital = Hospital
source-mental-health-team = Equipo de salud mental
source-social-worker = Trabajador/a social
source-pharmacist = Farmacéutico/a
source-community-member = Miembro de la comunidad
source-self-referral = Autoderivación
source-other = Otro
contact-phone = Teléfono
contact-text-message = Mensaje de texto (SMS)
contact-email = Correo electrónico
contact-letter = Carta
contact-in-person = En persona
consent-method-verbal = De palabra
consent-method-written = Por escrito
consent-method-electronic = En línea
consent-purpose-support = Apoyo del servicio de profesionales de enlace
consent-purpose-sharing = Compartir datos con una organización
consent-purpose-evaluation = Uso en la evaluación del servicio
closure-goals-met = Objetivos cumplidos
closure-disengaged = Dejó de participar
closure-declined = Rechazó la prescripción social
closure-unable-to-contact = No se pudo contactar
closure-moved-away = Se mudó a otra zona
closure-died = Falleció
closure-referred-elsewhere = Derivación a otro servicio
need-group-material = Dinero, vivienda y ayuda práctica
need-group-health-behaviour = Salud y estilo de vida
need-group-social-emotional = Relaciones, propósito y bienestar
need-food = Alimentos
need-transportation = Transporte
need-financial = Dinero y deudas
need-legal = Asesoría legal
need-housing = Vivienda
need-homelessness = Sin hogar
need-utilities = Calefacción y suministros (luz, agua, gas)
need-digital-access = Acceso digital
need-digital-literacy = Competencias digitales
need-diet = Dieta y alimentación saludable
need-exercise = Actividad física
need-smoking = Dejar de fumar
need-substance-use = Consumo de alcohol y otras sustancias
need-chronic-disease = Vivir con una enfermedad crónica
need-mental-health = Salud mental y estrés
need-social-connection = Soledad y relaciones sociales
need-nature = Naturaleza y espacios verdes
need-arts-culture = Arte, patrimonio y cultura
need-volunteering = Voluntariado
need-employment = Trabajo y formación para el empleo
need-education = Educación y aprendizaje
need-community-groups = Grupos comunitarios
need-language = Idioma e interpretación
need-safety = Seguridad en el hogar
need-elder-abuse = Seguridad de una persona mayor
barrier-cost = Costo
barrier-distance-transport = Distancia o transporte
barrier-confidence-company = Falta de confianza, o no tener con quién ir
barrier-mental-state = Su estado de ánimo
barrier-language = Idioma
barrier-digital = Acceso digital
barrier-physical-access = Accesibilidad física
support-transport = Transporte organizado
support-cost-support = Ayuda con el costo
support-co-attend-first-session = Alguien le acompaña la primera vez
support-interpreter = Intérprete
support-digital-help = Ayuda con la tecnología
support-accessible-venue = Lugar accesible
support-other = Otro apoyo
support-for = Apoyo para: { $barrier }
barrier-with-support = { $barrier }: { $support }
progress-not-started = Sin empezar
progress-some-progress = Algún avance
progress-good-progress = Buen avance
progress-achieved = Conseguido
progress-no-longer-relevant = Ya no es pertinente
task-draft = Borrador
task-requested = Enviada
task-received = Recibida
task-accepted = Aceptada
task-rejected = Rechazada
task-in-progress = Persona inscrita
task-on-hold = En espera
task-completed = Completada
task-cancelled = Cancelada
task-failed = No aprovechada
event-received = Derivación recibida
event-contact-attempted = Intento de contacto
event-contacted = Contacto realizado
event-assessed = Valoración realizada
event-plan-agreed = Plan acordado
event-active = Apoyo en marcha
event-closed = Cerrado
event-closed-because = Cerrado: { $reason }
event-coded = (SNOMED CT { $code })

## Fechas, horas y distancias

day-monday = lunes
day-tuesday = martes
day-wednesday = miércoles
day-thursday = jueves
day-friday = viernes
day-saturday = sábado
day-sunday = domingo
days-pair = { $first } y { $last }
days-range = { $first } a { $last }
time-range = { $opens } a { $closes }
hours-line = { $days }: { $hours }
distance-m = { $n } m
distance-km = { $n } km
distance-away = a { $distance }

## Campos de formulario

field-given-name = Nombre
field-family-name = Apellidos
field-birth-date = Fecha de nacimiento
field-postcode = Código postal
field-phone = Teléfono
field-email = Correo electrónico
field-preferred-contact = Mejor forma de contacto
field-language = Idioma preferido
field-language-hint = Un código de idioma, como es, en, lo o pl.
field-interpreter = Necesita intérprete
field-details = Cualquier otra cosa que deba saber el profesional de enlace
field-details-hint = Qué le está pasando a la persona, en pocas palabras.
field-urgency = Urgencia
field-risks = Riesgos
field-risks-hint = Todo lo que deba saber un profesional de enlace que vaya a visitar o llamar a la persona.
field-safeguarding = Hay una preocupación de protección (salvaguarda)
field-source = Perfil de quien deriva
field-referrer-role = Perfil de quien deriva
field-referrer-organisation = Centro de salud u organización
field-referrer-contact = Cómo puede contactarle el profesional de enlace
field-referrer-contact-hint = Un número de teléfono o una dirección de correo electrónico.
field-consent = La persona acepta que se la derive al servicio de profesionales de enlace
field-consent-self = Acepto que un profesional de enlace se ponga en contacto conmigo y que se guarden mis datos con este fin
field-consent-method = Cómo dio su consentimiento
field-consent-share = { $organisation } puede recibir su nombre, sus datos de contacto y el motivo de la derivación
field-reference = Referencia
field-status = Estado
field-sent = Enviada
field-updated = Último cambio
field-name = Nombre
field-actions = Acciones
field-service = Servicio
field-attendance = Asistencia
field-referrer = Derivación hecha por
field-closure-reason = Por qué se cierra el episodio
field-what-matters = Lo que le importa
field-what-matters-hint = Con sus propias palabras, en la medida de lo posible.
field-strengths = Fortalezas
field-interests = Intereses
field-one-per-line = Uno por línea.
field-barriers = Barreras
field-barriers-hint = Marque lo que podría impedirle participar y el apoyo acordado para cada cosa.
field-note = Nota
field-note-hint = Las notas del caso nunca se comparten con las organizaciones.
field-goal = Objetivo
field-goal-hint = Redactado con la persona, con sus palabras.
field-target-date = Fecha prevista para lograrlo
field-progress = Avance
field-due-on = Fecha prevista
field-purpose = Para qué
field-outcome = Resultado
field-activity = Una actividad informal
field-activity-hint = Una actividad que no está en el directorio, como pasear con un vecino los domingos.
field-message-to-organisation = Mensaje para la organización (se compartirá con ella)
field-reason = Motivo
field-session-on = Fecha de la sesión
field-attended = ¿Asistió?
field-roles = Roles
field-organisations = Organizaciones
field-organisations-hint = El personal de las organizaciones comunitarias solo ve las derivaciones dirigidas a sus organizaciones.
field-access = Acceso
field-when = Cuándo
field-who = Quién
field-source-file = Origen
field-format = Formato
field-report = Informe
field-person-id = ID de la persona
field-audit-action = Acción
field-audit-action-hint = Código en inglés: read, create, update, export, erase…
field-record = Registro
field-route = Página o llamada a la API

## Validación

err-required = Complete este campo.
err-too-long = Tiene { $length } caracteres; use { $max } como máximo.
err-control-characters = Contiene caracteres que no se pueden guardar; vuelva a escribirlo.
err-no-name = Escriba al menos un nombre o un apellido.
err-birth-date-future = La fecha de nacimiento no puede ser futura.
err-birth-date-too-old = La fecha de nacimiento es de hace más de 130 años; revise el año.
err-not-a-date = «{ $value }» no es una fecha. Escriba una fecha como 21/03/1956.
err-ethnicity = «{ $value }» no es una de las categorías de origen étnico.
err-phone = «{ $value }» no es un número de teléfono. Use de 7 a 15 cifras.
err-email = «{ $value }» no es una dirección de correo electrónico. Debería tener la forma nombre@example.org.
err-language-tag = «{ $value }» no es un código de idioma. Use un código como es, en, lo o pl.
err-decile = Elija un decil del 1 al 10.
err-email-needed = Escriba una dirección de correo electrónico, ya que el correo es la mejor forma de contactar con la persona.
err-phone-needed = Escriba un número de teléfono, ya que es la mejor forma de contactar con la persona.
err-no-reasons = Marque al menos un motivo de la derivación.
err-need-code = «{ $value }» no es uno de los motivos.
err-risks-needed = Describa la preocupación de protección (salvaguarda).
err-too-many = Hay más de { $max } entradas.
err-barrier-twice = Esta barrera aparece dos veces.
err-service-or-activity = Elija un servicio del directorio o describa una actividad informal.
err-sharing-organisation = Elija la organización con la que la persona aceptó compartir sus datos.
err-consent-to-support = La persona debe aceptar la derivación. Pregúntele primero.
err-consent-to-share = La persona debe aceptar compartir sus datos con { $organisation } antes de que usted la derive.
err-choose-one = Elija una de las opciones.
err-choose-closure-reason = Elija por qué se cierra el episodio.
err-give-reason = Indique el motivo, para que el profesional de enlace se lo pueda explicar a la persona.
err-session-in-future = Esa fecha es futura; registre las sesiones una vez que se hayan celebrado.
err-not-an-id = Eso no es un identificador de registro.
err-age = Escriba la edad en años cumplidos, de 0 a 120.
err-unknown-place = No sabemos dónde está «{ $place }». Escriba un código postal de la zona, o latitud,longitud.
err-place-lookup-failed = No hemos podido buscar ese lugar en este momento. Inténtelo de nuevo.
err-username = Use de 2 a 64 letras minúsculas sin acentos, dígitos, y . _ - @
err-no-roles = Marque al menos un rol.
err-provider-organisation = El personal de una organización comunitaria debe pertenecer al menos a una organización: elíjala.

## Formularios de derivación

referral-title = Derivar a alguien a un profesional de enlace
referral-intro = Un profesional de enlace se pondrá en contacto con la persona, normalmente en el plazo de una semana, para hablar de lo que le importa.
referral-person = La persona
referral-reasons = Por qué la deriva
referral-urgency-and-risk = Urgencia y riesgo
referral-from = Sobre usted
referral-consent = Consentimiento
referral-send = Enviar la derivación
self-referral-title = Pedir ayuda a un profesional de enlace
self-referral-intro = Un profesional de enlace puede ayudarle a encontrar grupos, actividades y asesoramiento en su zona: sobre dinero, vivienda, soledad, cómo mantenerse activo y mucho más. Cuéntenos un poco sobre usted y nos pondremos en contacto.
self-referral-about-you = Sobre usted
self-referral-reasons = ¿Con qué le gustaría recibir ayuda?
self-referral-send = Enviar
self-referral-sent-title = Gracias
self-referral-sent-reference = Hemos recibido su solicitud. Su número de referencia es { $reference }.
self-referral-sent-next = Un profesional de enlace se pondrá en contacto con usted, normalmente en el plazo de una semana, de la forma que ha indicado.
self-referral-sent-urgent = Si necesita ayuda urgente, llame a su centro de salud (su médico de cabecera) o, en caso de emergencia, al 999.
my-referrals-title = Mis derivaciones
my-referrals-none = Todavía no ha enviado ninguna derivación.
my-referrals-messages = Mensajes del servicio de profesionales de enlace
message-accepted = La persona aceptó la derivación a prescripción social (SNOMED CT { $code }). Un profesional de enlace está trabajando con ella.
message-plan-agreed = La persona ha acordado un plan con su profesional de enlace.
message-declined = La persona rechazó la prescripción social (SNOMED CT { $code }).
message-closed = El episodio de prescripción social se ha cerrado: { $reason }.

## Profesional de enlace

caseload-title = Mis casos asignados
caseload-open = episodios abiertos
caseload-new = derivaciones nuevas en espera
caseload-due-today = contactos previstos para hoy
caseload-overdue = contactos atrasados
caseload-size = { $people } personas en los últimos 12 meses; el número seguro de casos asignados es { $safe }.
caseload-over-safe = Está por encima del nivel seguro: hable con su responsable.
caseload-new-referrals = Nuevas derivaciones
caseload-no-new = No hay derivaciones en espera.
caseload-take-on = Asumir el caso de { $name }
caseload-contacts-due = Contactos pendientes
caseload-none-due = No hay contactos pendientes.
caseload-mine = Personas a mi cargo
caseload-by-status = Por estado
caseload-all-open = Todos los abiertos
caseload-none-mine = No hay nadie aquí.
follow-up-due = para el { $date }
follow-up-overdue = atrasado desde el { $date }
follow-up-done-on = hecho el { $date }
follow-up-add = Programar un seguimiento
follow-up-mark-done = Marcar como hecho
episode-next-step = Siguiente paso
episode-take-on = Asumir el caso de esta persona
episode-assessment-link = Lo que le importa
episode-plan-link = Plan y derivación
episode-close = Cerrar el episodio
episode-close-button = Cerrar el episodio
episode-person = Datos de contacto
episode-referral = La derivación
episode-consent = Consentimiento
episode-what-matters = Lo que le importa
episode-no-assessment = Aún no registrado.
episode-goals = Objetivos
episode-no-goals = Aún no hay objetivos.
episode-plan = Prescripción social
episode-no-plan = Aún no hay nada en el plan.
episode-onward = Derivaciones a organizaciones
episode-no-onward = Aún no hay ninguna.
episode-follow-ups = Seguimientos
episode-no-follow-ups = No hay ninguno programado.
episode-notes = Notas del caso
episode-timeline = Cronología
step-contact-attempted = Registrar un intento de contacto
step-contacted-accepts = Contacto realizado: acepta la derivación
step-contacted-undecided = Contacto realizado: aún no lo ha decidido
step-assessed = Valoración hecha
step-plan-agreed = Plan acordado
step-active = Apoyo en marcha
consent-sharing-with = Compartir con { $organisation }
consent-given = { $method }, { $date }
consent-withdrawn-on = Retirado el { $date }.
goal-target = para el { $date }
goal-review = Guardar la revisión
goal-add = Añadir un objetivo
note-add = Añadir la nota
sessions-attended = Asistió a { $attended } de { $recorded } sesiones
capacity-warning-kept = Enviada a pesar de un aviso de falta de plazas.
assessment-title = Lo que le importa
assessment-intro = Una conversación sobre «qué es importante para usted»: lo que le importa a la persona, en qué destaca, qué le gusta y qué podría ponerle obstáculos.
assessment-save = Guardar
back-to-person = Volver a { $name }
plan-title = Plan y derivación
plan-heading = Servicios para { $name }
plan-looking-for = Intereses o lo que busca
plan-near = Cerca de
plan-language = En un idioma
plan-free-or-low-cost = Gratis o de bajo costo
plan-wheelchair = Acceso en silla de ruedas
plan-add-service = Añadir { $service } al plan
plan-add-activity = Añadir al plan
refer-to = Derivar a { $service }
refer-confirm-title = Antes de derivar a { $service }
refer-anyway = Derivar de todos modos: se lo he dicho a la persona
refer-consent-question = ¿Ha aceptado la persona que { $organisation } reciba sus datos?
refer-send = Enviar la derivación
capacity-full = El servicio indica que no tiene plazas en este momento.
capacity-waiting-list = El servicio tiene lista de espera: { $wait }.
capacity-not-active = El servicio no está funcionando en este momento.
why-it-fits = Por qué encaja:

## Directorio

directory-title = Buscar servicios
directory-heading = Buscar servicios comunitarios
directory-what = ¿Qué busca?
directory-what-placeholder = grupo de caminata, asesoría de deudas…
directory-near = Cerca de (código postal o latitud,longitud)
directory-within = En un radio de
directory-category = Categoría
directory-any-category = Cualquier categoría
directory-cost = Costo
directory-any-cost = Cualquier costo
directory-language = Idioma
directory-language-placeholder = p. ej., español
directory-open-on = Abierto el
directory-any-day = Cualquier día
directory-at = A las
directory-age = Edad de la persona
directory-has-places = Con plazas ahora
directory-no-results = Pruebe con menos filtros, otra forma de escribirlo o una distancia mayor.
services-found = { $count ->
    [one] { $count } servicio encontrado
   *[other] { $count } servicios encontrados
}
why-it-matched = Por qué aparece:
reason-mentions = Menciona { $words }
reason-category = Categoría: { $term }
reason-language = En { $language }
reason-wheelchair = Acceso en silla de ruedas
reason-open-at = Abierto el { $day } a las { $time }
reason-age = Acepta personas de { $age } años
reason-has-places = Tiene plazas
places-available = { $count ->
    [one] { $count } plaza disponible
   *[other] { $count } plazas disponibles
}
cost-free = Gratis
cost-low = Bajo costo
cost-free-or-low = Gratis o de bajo costo
cost-paid = De pago
back-to-search = Volver a la búsqueda
run-by = Gestionado por { $organisation }
service-not-running = Este servicio ya no funciona.
service-temporarily-closed = Este servicio está cerrado temporalmente.
service-how-to-get-help = Cómo obtener ayuda
service-who-for = A quién va dirigido
service-languages = Idiomas
service-places = Plazas disponibles
service-waiting-time = Tiempo de espera
service-website = Sitio web
service-confirmed = Datos confirmados por última vez
service-opening-times = Horario
service-address = Dirección
service-distance = Distancia
service-access = Accesibilidad
service-getting-there = Cómo llegar
full-at-the-moment = Completo en este momento
not-confirmed-yet = Aún sin confirmar
confirmed-long-ago = { $date } (hace más de tres meses: consulte con la organización antes de derivar)
ages-between = De { $min } a { $max } años.
ages-from = A partir de { $min } años.
ages-up-to = Hasta los { $max } años.

## Organizaciones comunitarias

inbox-title = Derivaciones recibidas
inbox-new = Nuevas derivaciones
inbox-new-none = No hay derivaciones nuevas.
inbox-accepted = Aceptadas, aún sin empezar
inbox-accepted-none = Ninguna.
inbox-enrolled = Participando
inbox-enrolled-none = Todavía no hay nadie inscrito.
inbox-finished = Finalizadas o rechazadas
inbox-finished-none = Ninguna.
back-to-inbox = Volver a las derivaciones recibidas
shared-why = Motivo de la derivación
shared-message = Mensaje del profesional de enlace
shared-respond = Responder
provider-action-received = Marcar como recibida
provider-action-accepted = Aceptar
provider-action-rejected = Rechazar
provider-action-in-progress = Inscribir: ya ha empezado
provider-action-on-hold = Poner en espera
provider-action-completed = Marcar como completada
provider-action-failed = No la aprovechó
provider-action-cancelled = Cancelar la derivación
attendance-title = Asistencia
attendance-attended = Asistió
attendance-missed = No asistió
attendance-record = Registrar la asistencia
attendance-so-far = Sesiones registradas

## Administración

admin-users-title = Usuarios
admin-user-created = Se ha creado el usuario { $username }.
admin-user-password = Su contraseña, que solo se muestra ahora: entréguesela de forma segura.
admin-add-user = Añadir un usuario
admin-change-roles = Cambiar los roles de { $username }
admin-roles-of = Roles de { $username }
admin-save-roles = Guardar los roles
done-roles-changed = Se cambiaron los roles. Se aplican desde la próxima página que abra el usuario.
admin-disable = Impedir que { $username } inicie sesión
admin-enable = Permitir que { $username } vuelva a iniciar sesión
admin-organisations-title = Organizaciones y sus miembros
admin-organisations-intro = El personal de una organización ve las derivaciones que se le envían, una vez que la persona lo ha aceptado.
admin-no-members = No hay miembros.
admin-add-member = Añadir un miembro
admin-add = Añadir
admin-remove-member = Quitar a { $name }
admin-imports-title = Importaciones
admin-imports-intro = Datos del directorio cargados con «linkwork import», del más reciente al más antiguo, con lo que encontró cada importación.
admin-imports-none = Todavía no hay importaciones.
admin-audit-title = Registro de auditoría
audit-total = { $count } entradas

## Los servicios publicados por una organización comunitaria

listings-title = Nuestros servicios
listings-intro = Lo que dice el directorio sobre sus servicios. Los profesionales de enlace eligen servicios a partir de él, así que manténgalo al día.
listings-reminder = Algunos de sus servicios llevan tres meses sin confirmarse. Se pide a los profesionales de enlace que consulten con ustedes antes de derivar: confírmelos o corríjalos.
listings-none = Sus organizaciones no tienen servicios en el directorio.
listings-stale = confírmelo, por favor
listings-confirm = Los datos de { $service } siguen siendo correctos
listings-edit = Editar { $service }
listings-view = Verlo como lo ve el público
inbox-listings-reminder = { $count ->
    [one] Uno de sus servicios lleva tres meses sin confirmarse.
   *[other] { $count } de sus servicios llevan tres meses sin confirmarse.
}
inbox-listings-link = Revisar sus servicios
back-to-listings = Volver a nuestros servicios
listing-places = Plazas y disponibilidad
listing-details = Datos
listing-save = Guardar los cambios
field-available = Plazas disponibles ahora
field-available-hint = Un número entero; 0 significa completo.
field-maximum = Plazas en total
field-description = Descripción
field-alert = Aviso
field-alert-hint = Un aviso breve que aparece arriba del servicio, por ejemplo un cambio de lugar.
service-status-active = En marcha
service-status-temporarily-closed = Cerrado temporalmente
service-status-inactive = Ya no funciona
service-status-defunct = Cerrado definitivamente
err-whole-number = «{ $value }» no es un número entero; use de 0 a 100000.
err-url = «{ $value }» no es una dirección web; debe empezar por https://.
err-more-than-maximum = Es más que el total de plazas.
done-listing-saved = Se guardó el servicio. Las búsquedas mostrarán el cambio en un minuto.
done-listing-confirmed = Gracias: el servicio queda confirmado como correcto hoy.

## Registro de auditoría

audit-actor = { $name } ({ $role })
role-user = Usuario/a
role-person = La persona
role-system = Sistema
audit-action-assign = Asignado
audit-action-create = Creado
audit-action-erase = Borrado
audit-action-export = Exportado
audit-action-list = Listado
audit-action-read = Leído
audit-action-revoke = Revocado
audit-action-search = Buscado
audit-action-update = Modificado
audit-action-withdraw = Retirado
audit-action-sign-in = Inicio de sesión
audit-entity-attendance = Asistencia
audit-entity-case-note = Nota del caso
audit-entity-consent = Consentimiento
audit-entity-credential = Sesión o token
audit-entity-episode = Episodio
audit-entity-follow-up = Seguimiento
audit-entity-goal = Objetivo
audit-entity-onward-referral = Derivación a una organización
audit-entity-person = Persona
audit-entity-prescription-item = Elemento del plan
audit-entity-referral-status = Estado de la derivación
audit-entity-user = Usuario/a
audit-entity-assessment = Valoración
audit-entity-message = Mensaje

## La cronología de la persona

timeline-consent = Consentimiento registrado: { $consent }
timeline-consent-withdrawn = Consentimiento retirado: { $consent }
timeline-goal-added = Objetivo fijado: { $goal }
timeline-goal-reviewed = Objetivo revisado: { $goal }, { $progress }
timeline-plan-item = Añadido al plan: { $item }
timeline-onward = { $service }: { $status }
timeline-onward-by-organisation = { $service }: { $status } (por la organización)
timeline-attended = { $service }: asistió a la sesión del { $date }
timeline-missed = { $service }: faltó a la sesión del { $date }
timeline-follow-up-done = Seguimiento hecho: { $purpose }
timeline-note = Nota del caso escrita

## Cribado y medidas de resultados

episode-measures = Cribado y medidas
measure-new = Hacer un cribado o una medida
measure-choose = Cuestionario
measure-open = Abrir
measure-score = Guardar y puntuar
measure-save-later = Guardar y terminar más tarde
measure-continue = continuar
measure-range = De { $min } a { $max }.
measures-none = Todavía no hay cribados ni medidas.
needs-proposed = Necesidades que sugiere el cribado
needs-on-record = Necesidades en su registro:
need-confirm = Confirmar: { $need }
need-dismiss = Descartar: { $need }
field-timepoint = Momento del apoyo
field-score = Puntuación
timepoint-screening = Cribado
timepoint-baseline = Línea de base
timepoint-follow-up = Seguimiento
score-value = { $score }: { $value }
chart-summary = { $count ->
    [one] Una medición: { $last }.
   *[other] { $count } mediciones, de { $first } a { $last }.
}
change-improved = mejoró
change-no-change = sin cambios
change-worse = empeoró
err-not-a-number = Escriba un número.
err-answer-not-offered = Elija una de las respuestas ofrecidas.
err-answer-needed = Responda a esta pregunta para puntuar el cuestionario, o guárdelo y termine más tarde.
done-measure-saved = Se guardaron las respuestas; continúe cuando esté listo.
done-measure-scored = Se puntuaron las respuestas.
done-need-confirmed = La necesidad ya está en su registro.
done-need-dismissed = Se descartó la sugerencia.
no = No

## Búsqueda de servicios adecuados

fit-need = Responde a la necesidad «{ $need }» ({ $term })
fit-charges = Tiene un coste
fit-not-in-language = No se ofrece en { $language }
fit-access-not-stated = No indica acceso sin escalones
plan-matched = Servicios adecuados para { $name }: necesidades, intereses, barreras y lugar
