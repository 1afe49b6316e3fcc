<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name></name>
    <message>
        <source>&amp;New project…</source>
        <translation>&amp;Nuevo proyecto…</translation>
    </message>
    <message>
        <source>&amp;Import screenplay…</source>
        <translation>&amp;Importar guion…</translation>
    </message>
    <message>
        <source>&amp;Assemble and export…</source>
        <translation>&amp;Montar y exportar…</translation>
    </message>
    <message>
        <source>&amp;Conform a folder…</source>
        <translation>&amp;Conformar una carpeta…</translation>
    </message>
    <message>
        <source>Make the film from a folder of downloaded clips, offline</source>
        <translation>Hacer la película con una carpeta de clips descargados, sin conexión</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Ajustes…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Deshacer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rehacer</translation>
    </message>
    <message>
        <source>&amp;Insert scene</source>
        <translation>&amp;Insertar escena</translation>
    </message>
    <message>
        <source>&amp;Duplicate scene</source>
        <translation>&amp;Duplicar escena</translation>
    </message>
    <message>
        <source>De&amp;lete scene</source>
        <translation>&amp;Eliminar escena</translation>
    </message>
    <message>
        <source>&amp;Approve scene</source>
        <translation>&amp;Aprobar escena</translation>
    </message>
    <message>
        <source>Request &amp;changes…</source>
        <translation>Pedir &amp;cambios…</translation>
    </message>
    <message>
        <source>&amp;Lock scene</source>
        <translation>&amp;Bloquear escena</translation>
    </message>
    <message>
        <source>Regenerate &amp;clip</source>
        <translation>Regenerar &amp;clip</translation>
    </message>
    <message>
        <source>Regenerate &amp;image</source>
        <translation>Regenerar &amp;imagen</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Ejecutar</translation>
    </message>
    <message>
        <source>Generate what is missing, up to the finished film (F5)</source>
        <translation>Generar lo que falta, hasta la película terminada (F5)</translation>
    </message>
    <message>
        <source>&amp;Plan only</source>
        <translation>Solo &amp;planificar</translation>
    </message>
    <message>
        <source>Approve the &amp;plan</source>
        <translation>Aprobar el &amp;plan</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Detener</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Acercar</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>A&amp;lejar</translation>
    </message>
    <message>
        <source>&amp;About GenStudio</source>
        <translation>&amp;Acerca de GenStudio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>&amp;Scene</source>
        <translation>E&amp;scena</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
</context>
<context>
    <name>ApiKeyBox</name>
    <message>
        <source>Store key</source>
        <translation>Guardar clave</translation>
    </message>
    <message>
        <source>Remove key</source>
        <translation>Quitar clave</translation>
    </message>
    <message>
        <source>Checking key storage…</source>
        <translation>Comprobando el almacén de claves…</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Probar conexión</translation>
    </message>
    <message>
        <source>API key for {name}</source>
        <translation>Clave de API de {name}</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de API</translation>
    </message>
    <message>
        <source>No key needed.</source>
        <translation>No hace falta clave.</translation>
    </message>
    <message>
        <source>Keys cannot be saved on this system</source>
        <translation>En este sistema no se pueden guardar claves</translation>
    </message>
    <message>
        <source>The built-in provider needs no key</source>
        <translation>El proveedor integrado no necesita clave</translation>
    </message>
    <message>
        <source>Paste the key, then Store key</source>
        <translation>Pega la clave y pulsa Guardar clave</translation>
    </message>
    <message>
        <source>Key stored in the system keyring.</source>
        <translation>Clave guardada en el llavero del sistema.</translation>
    </message>
    <message>
        <source>No key stored.</source>
        <translation>No hay ninguna clave guardada.</translation>
    </message>
    <message>
        <source>No key stored, and none can be stored here.</source>
        <translation>No hay clave guardada, y aquí no se puede guardar ninguna.</translation>
    </message>
    <message>
        <source>Type or paste the key first.</source>
        <translation>Primero escribe o pega la clave.</translation>
    </message>
    <message>
        <source>The key was not stored: {error}</source>
        <translation>La clave no se guardó: {error}</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Probando…</translation>
    </message>
    <message>
        <source>The check failed: {error}</source>
        <translation>La comprobación falló: {error}</translation>
    </message>
</context>
<context>
    <name>AssembleDialog</name>
    <message>
        <source>Assemble the film</source>
        <translation>Montar la película</translation>
    </message>
    <message>
        <source>Automatic: cut into continuations, crossfade elsewhere</source>
        <translation>Automático: corte en las continuaciones, fundido en el resto</translation>
    </message>
    <message>
        <source>Cut</source>
        <translation>Corte</translation>
    </message>
    <message>
        <source>Crossfade</source>
        <translation>Fundido encadenado</translation>
    </message>
    <message>
        <source>Dip to black</source>
        <translation>Fundido a negro</translation>
    </message>
    <message>
        <source>Wipe left</source>
        <translation>Cortinilla a la izquierda</translation>
    </message>
    <message>
        <source>Wipe right</source>
        <translation>Cortinilla a la derecha</translation>
    </message>
    <message>
        <source>Wipe up</source>
        <translation>Cortinilla hacia arriba</translation>
    </message>
    <message>
        <source>Wipe down</source>
        <translation>Cortinilla hacia abajo</translation>
    </message>
    <message>
        <source>Slide left</source>
        <translation>Deslizar a la izquierda</translation>
    </message>
    <message>
        <source>Slide right</source>
        <translation>Deslizar a la derecha</translation>
    </message>
    <message>
        <source>Slide up</source>
        <translation>Deslizar hacia arriba</translation>
    </message>
    <message>
        <source>Slide down</source>
        <translation>Deslizar hacia abajo</translation>
    </message>
    <message>
        <source>Warm</source>
        <translation>Cálido</translation>
    </message>
    <message>
        <source>Cool</source>
        <translation>Frío</translation>
    </message>
    <message>
        <source>Teal and orange</source>
        <translation>Verde azulado y naranja</translation>
    </message>
    <message>
        <source>Bleach bypass</source>
        <translation>Blanqueo omitido (bleach bypass)</translation>
    </message>
    <message>
        <source>Noir (black and white)</source>
        <translation>Noir (blanco y negro)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>Project music</source>
        <translation>Música del proyecto</translation>
    </message>
    <message>
        <source>No music</source>
        <translation>Sin música</translation>
    </message>
    <message>
        <source>Music file…</source>
        <translation>Archivo de música…</translation>
    </message>
    <message>
        <source>WAV, MP3, FLAC or M4A file</source>
        <translation>Archivo WAV, MP3, FLAC o M4A</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Normalise to</source>
        <translation>Normalizar a</translation>
    </message>
    <message>
        <source>Sidecar file (.srt)</source>
        <translation>Archivo aparte (.srt)</translation>
    </message>
    <message>
        <source>Burned into the picture</source>
        <translation>Incrustados en la imagen</translation>
    </message>
    <message>
        <source>A colour grade applied to the whole film</source>
        <translation>Un etalonaje de color aplicado a toda la película</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>Transitions:</source>
        <translation>Transiciones:</translation>
    </message>
    <message>
        <source>Look:</source>
        <translation>Look:</translation>
    </message>
    <message>
        <source>Music:</source>
        <translation>Música:</translation>
    </message>
    <message>
        <source>Loudness:</source>
        <translation>Sonoridad:</translation>
    </message>
    <message>
        <source>Subtitles:</source>
        <translation>Subtítulos:</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>Archivo de salida:</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Abrir carpeta</translation>
    </message>
    <message>
        <source>Assemble</source>
        <translation>Montar</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Music file</source>
        <translation>Archivo de música</translation>
    </message>
    <message>
        <source>Audio (*.wav *.mp3 *.flac *.m4a *.ogg)</source>
        <translation>Audio (*.wav *.mp3 *.flac *.m4a *.ogg)</translation>
    </message>
    <message>
        <source>Save the film as</source>
        <translation>Guardar la película como</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>Vídeo MP4 (*.mp4)</translation>
    </message>
    <message>
        <source>Choose where to write the film.</source>
        <translation>Elige dónde guardar la película.</translation>
    </message>
    <message>
        <source>The film is written as MP4: end the name with .mp4</source>
        <translation>La película se guarda como MP4: termina el nombre en .mp4</translation>
    </message>
    <message>
        <source>Choose an existing music file.</source>
        <translation>Elige un archivo de música que exista.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Assembling…</source>
        <translation>Montando…</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was written.</source>
        <translation>Cancelado. No se escribió nada.</translation>
    </message>
    <message>
        <source>Assembly failed: {error}</source>
        <translation>El montaje falló: {error}</translation>
    </message>
    <message>
        <source>Film written to {path}</source>
        <translation>Película guardada en {path}</translation>
    </message>
    <message>
        <source>Assemble again</source>
        <translation>Montar de nuevo</translation>
    </message>
</context>
<context>
    <name>CameraLabels</name>
    <message>
        <source>establishing</source>
        <translation>de situación</translation>
    </message>
    <message>
        <source>wide</source>
        <translation>general</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>medio</translation>
    </message>
    <message>
        <source>close up</source>
        <translation>primer plano</translation>
    </message>
    <message>
        <source>extreme close up</source>
        <translation>primerísimo primer plano</translation>
    </message>
    <message>
        <source>static</source>
        <translation>fija</translation>
    </message>
    <message>
        <source>push in</source>
        <translation>acercamiento</translation>
    </message>
    <message>
        <source>pull out</source>
        <translation>alejamiento</translation>
    </message>
    <message>
        <source>pan left</source>
        <translation>paneo a la izquierda</translation>
    </message>
    <message>
        <source>pan right</source>
        <translation>paneo a la derecha</translation>
    </message>
    <message>
        <source>tilt up</source>
        <translation>inclinación hacia arriba</translation>
    </message>
    <message>
        <source>tilt down</source>
        <translation>inclinación hacia abajo</translation>
    </message>
</context>
<context>
    <name>ClipPreview</name>
    <message>
        <source>Play</source>
        <translation>Reproducir</translation>
    </message>
    <message>
        <source>No take selected</source>
        <translation>Ninguna toma seleccionada</translation>
    </message>
    <message>
        <source>This take has no image or clip yet</source>
        <translation>Esta toma aún no tiene imagen ni clip</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <source>Cannot play this clip: {error}</source>
        <translation>No se puede reproducir este clip: {error}</translation>
    </message>
</context>
<context>
    <name>ConformDialog</name>
    <message>
        <source>Conform a folder of clips</source>
        <translation>Conformar una carpeta de clips</translation>
    </message>
    <message>
        <source>The folder of downloaded clips</source>
        <translation>La carpeta de clips descargados</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Project “{title}”: match the clips to its scenes</source>
        <translation>Proyecto «{title}»: asignar los clips a sus escenas</translation>
    </message>
    <message>
        <source>No project: clips in name order</source>
        <translation>Sin proyecto: clips por orden de nombre</translation>
    </message>
    <message>
        <source>Crossfade</source>
        <translation>Fundido encadenado</translation>
    </message>
    <message>
        <source>Cut</source>
        <translation>Corte</translation>
    </message>
    <message>
        <source>With a project, scenes are joined as the pipeline joins them</source>
        <translation>Con un proyecto, las escenas se unen como las une el proceso</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>Clips folder:</source>
        <translation>Carpeta de clips:</translation>
    </message>
    <message>
        <source>Match to:</source>
        <translation>Asignar a:</translation>
    </message>
    <message>
        <source>Transitions:</source>
        <translation>Transiciones:</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>Archivo de salida:</translation>
    </message>
    <message>
        <source>Check the folder to see which clip goes where.</source>
        <translation>Revisa la carpeta para ver qué clip va en cada sitio.</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>Avisos:</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Abrir carpeta</translation>
    </message>
    <message>
        <source>Check the folder</source>
        <translation>Revisar la carpeta</translation>
    </message>
    <message>
        <source>Assemble</source>
        <translation>Montar</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Choose the folder of clips.</source>
        <translation>Elige la carpeta de clips.</translation>
    </message>
    <message>
        <source>Choose where to write the film.</source>
        <translation>Elige dónde guardar la película.</translation>
    </message>
    <message>
        <source>The film is written as MP4: end the name with .mp4</source>
        <translation>La película se guarda como MP4: termina el nombre en .mp4</translation>
    </message>
    <message>
        <source>Save the film as</source>
        <translation>Guardar la película como</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>Vídeo MP4 (*.mp4)</translation>
    </message>
    <message>
        <source>Checking the clips…</source>
        <translation>Revisando los clips…</translation>
    </message>
    <message>
        <source>Assembling…</source>
        <translation>Montando…</translation>
    </message>
    <message>
        <source>Conform failed: {error}</source>
        <translation>El conformado falló: {error}</translation>
    </message>
    <message>
        <source>Nothing written yet: “Assemble” makes the film.</source>
        <translation>Aún no se ha escrito nada: «Montar» hace la película.</translation>
    </message>
    <message>
        <source>Assemble again</source>
        <translation>Montar de nuevo</translation>
    </message>
    <message>
        <source>Film written to {film}</source>
        <translation>Película guardada en {film}</translation>
    </message>
    <message>
        <source>Timeline (.otio) written to {timeline}</source>
        <translation>Línea de tiempo (.otio) guardada en {timeline}</translation>
    </message>
    <message>
        <source>No clip in {folder} matches a scene of “{title}”.</source>
        <translation>Ningún clip de {folder} corresponde a una escena de «{title}».</translation>
    </message>
    <message>
        <source>No playable clip in {folder}.</source>
        <translation>No hay ningún clip reproducible en {folder}.</translation>
    </message>
    <message>
        <source>The folder {path} does not exist.</source>
        <translation>La carpeta {path} no existe.</translation>
    </message>
    <message>
        <source>{path} is not a folder.</source>
        <translation>{path} no es una carpeta.</translation>
    </message>
    <message>
        <source>{path} is a folder: name the film’s file.</source>
        <translation>{path} es una carpeta: pon nombre al archivo de la película.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>Cancelled. {film} was not changed.</source>
        <translation>Cancelado. {film} no se ha modificado.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
</context>
<context>
    <name>ConformReport</name>
    <message>
        <source>Scene</source>
        <translation>Escena</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Orden</translation>
    </message>
    <message>
        <source>Clip</source>
        <translation>Clip</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Confianza</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Indicios</translation>
    </message>
    <message>
        <source>No clip in the folder matches this scene</source>
        <translation>Ningún clip de la carpeta corresponde a esta escena</translation>
    </message>
    <message>
        <source>Matches no scene</source>
        <translation>No corresponde a ninguna escena</translation>
    </message>
    <message>
        <source>Not used: {name}: {reason}</source>
        <translation>No usado: {name}: {reason}</translation>
    </message>
    <message>
        <source>Scenes matched: {matched} of {total}. Clips without a scene: {unmatched}. Files not used: {rejected}.</source>
        <translation>Escenas asignadas: {matched} de {total}. Clips sin escena: {unmatched}. Archivos no usados: {rejected}.</translation>
    </message>
    <message>
        <source>Clips in name order: {count}. Files not used: {rejected}.</source>
        <translation>Clips por orden de nombre: {count}. Archivos no usados: {rejected}.</translation>
    </message>
</context>
<context>
    <name>ConnectionCheck</name>
    <message>
        <source>Built-in provider: runs on this computer, nothing to connect to.</source>
        <translation>Proveedor integrado: funciona en este ordenador, no hay nada a lo que conectarse.</translation>
    </message>
    <message>
        <source>The {name} client is not part of this build yet: nothing to test.</source>
        <translation>El cliente de {name} aún no forma parte de esta versión: no hay nada que probar.</translation>
    </message>
    <message>
        <source>No key stored for {name}: store one first.</source>
        <translation>No hay clave guardada para {name}: guarda una primero.</translation>
    </message>
    <message>
        <source>{name} has no read-only endpoint to test; the key is checked on first use.</source>
        <translation>{name} no tiene un punto de acceso de solo lectura para probar; la clave se comprueba en el primer uso.</translation>
    </message>
    <message>
        <source>{detail}</source>
        <translation>{detail}</translation>
    </message>
    <message>
        <source>No answer from {host} within {timeout} s.</source>
        <translation>{host} no respondió en {timeout} s.</translation>
    </message>
    <message>
        <source>Cannot reach {host}: {error}.</source>
        <translation>No se puede contactar con {host}: {error}.</translation>
    </message>
    <message>
        <source>Connected to {host}: the key works.</source>
        <translation>Conectado a {host}: la clave funciona.</translation>
    </message>
    <message>
        <source>The key was rejected (HTTP {status}).</source>
        <translation>La clave fue rechazada (HTTP {status}).</translation>
    </message>
    <message>
        <source>Not found (HTTP 404): check the base URL ({base}).</source>
        <translation>No encontrado (HTTP 404): revisa la URL base ({base}).</translation>
    </message>
    <message>
        <source>The key works, but the provider is rate limiting (HTTP 429).</source>
        <translation>La clave funciona, pero el proveedor está limitando las peticiones (HTTP 429).</translation>
    </message>
    <message>
        <source>The provider answered HTTP {status}.</source>
        <translation>El proveedor respondió HTTP {status}.</translation>
    </message>
</context>
<context>
    <name>DetailsPage</name>
    <message>
        <source>How should it look?</source>
        <translation>¿Cómo debe verse?</translation>
    </message>
    <message>
        <source>You can change everything later in the storyboard.</source>
        <translation>Puedes cambiarlo todo después en el storyboard.</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Taken from the screenplay&apos;s scenes.</source>
        <translation>Se toma de las escenas del guion.</translation>
    </message>
    <message>
        <source>Genre:</source>
        <translation>Género:</translation>
    </message>
    <message>
        <source>Target duration:</source>
        <translation>Duración prevista:</translation>
    </message>
    <message>
        <source>Aspect:</source>
        <translation>Formato:</translation>
    </message>
    <message>
        <source>Dialogue language:</source>
        <translation>Idioma de los diálogos:</translation>
    </message>
</context>
<context>
    <name>DialogueTable</name>
    <message>
        <source>Character</source>
        <translation>Personaje</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Frase</translation>
    </message>
    <message>
        <source>Emotion</source>
        <translation>Emoción</translation>
    </message>
    <message>
        <source>Parenthetical</source>
        <translation>Acotación</translation>
    </message>
    <message>
        <source>Add line</source>
        <translation>Añadir frase</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>Quitar frase</translation>
    </message>
    <message>
        <source>From the imported screenplay: the words stay as written. Edit the screenplay file to change them.</source>
        <translation>Del guion importado: el texto se mantiene tal cual. Edita el archivo del guion para cambiarlo.</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>Queued</source>
        <translation>En cola</translation>
    </message>
    <message>
        <source>Submitting</source>
        <translation>Enviando</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En curso</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Descargando</translation>
    </message>
    <message>
        <source>Validating</source>
        <translation>Validando</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falló</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Requiere atención</translation>
    </message>
    <message>
        <source>The app stopped while this request was being sent: it may have been charged. Check the provider&apos;s dashboard, then retry or cancel.</source>
        <translation>La aplicación se detuvo mientras se enviaba esta petición: puede que se haya cobrado. Revisa el panel del proveedor y luego reintenta o cancela.</translation>
    </message>
    <message>
        <source>Running much longer than expected: wait, or cancel and retry.</source>
        <translation>Tarda mucho más de lo previsto: espera, o cancela y reintenta.</translation>
    </message>
    <message>
        <source>Set aside after the app stopped twice while running it: retry to try again.</source>
        <translation>Apartado porque la aplicación se detuvo dos veces mientras se ejecutaba: reintenta para volver a probar.</translation>
    </message>
    <message>
        <source>The provider accepted the request but its task id was lost: check its dashboard.</source>
        <translation>El proveedor aceptó la petición pero se perdió el identificador de la tarea: revisa su panel.</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Intentos</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Transcurrido</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restante</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <source>Only jobs that need attention</source>
        <translation>Solo los trabajos que requieren atención</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Send the request again. A new request may be billed by the provider.</source>
        <translation>Enviar la petición de nuevo. El proveedor puede cobrar la nueva petición.</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>Cancelar trabajo</translation>
    </message>
    <message>
        <source>Stop this job here and at the provider</source>
        <translation>Detener este trabajo aquí y en el proveedor</translation>
    </message>
    <message>
        <source>({count} waiting)</source>
        <translation>({count} en espera)</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inactivo</translation>
    </message>
    <message>
        <source>Lanes: {lanes}</source>
        <translation>Carriles: {lanes}</translation>
    </message>
    <message>
        <source>Only jobs that need attention ({count})</source>
        <translation>Solo los trabajos que requieren atención ({count})</translation>
    </message>
    <message>
        <source>Retry and cancel are not available in this build.</source>
        <translation>Reintentar y cancelar no están disponibles en esta versión.</translation>
    </message>
    <message>
        <source>No provider jobs yet: the built-in providers render on this computer.</source>
        <translation>Aún no hay trabajos de proveedores: los proveedores integrados generan en este ordenador.</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Debug</source>
        <translation>Depuración</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Información</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Avisos</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errores</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Mostrar:</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>This panel is not available in this build.</source>
        <translation>Este panel no está disponible en esta versión.</translation>
    </message>
    <message>
        <source>Projects</source>
        <translation>Proyectos</translation>
    </message>
    <message>
        <source>Pipeline</source>
        <translation>Proceso</translation>
    </message>
    <message>
        <source>Preview and takes</source>
        <translation>Vista previa y tomas</translation>
    </message>
    <message>
        <source>Scene</source>
        <translation>Escena</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Trabajos</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Inactivo</translation>
    </message>
    <message>
        <source>Key storage: checking…</source>
        <translation>Almacén de claves: comprobando…</translation>
    </message>
    <message>
        <source>Keys: %s</source>
        <translation>Claves: %s</translation>
    </message>
    <message>
        <source>No secure key storage available</source>
        <translation>No hay almacenamiento seguro de claves</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>En curso…</translation>
    </message>
    <message>
        <source>GenStudio</source>
        <translation>GenStudio</translation>
    </message>
    <message>
        <source>This dialog is not available in this build.</source>
        <translation>Este diálogo no está disponible en esta versión.</translation>
    </message>
    <message>
        <source>Import a screenplay</source>
        <translation>Importar un guion</translation>
    </message>
    <message>
        <source>Fountain screenplays (*.fountain *.spmd *.txt)</source>
        <translation>Guiones Fountain (*.fountain *.spmd *.txt)</translation>
    </message>
    <message>
        <source>Approve scenes</source>
        <translation>Aprobar escenas</translation>
    </message>
    <message>
        <source>Lock scenes</source>
        <translation>Bloquear escenas</translation>
    </message>
    <message>
        <source>About GenStudio</source>
        <translation>Acerca de GenStudio</translation>
    </message>
    <message>
        <source>GenStudio %s
A storyboard studio for AI video.</source>
        <translation>GenStudio %s
Un estudio de storyboard para vídeo con IA.</translation>
    </message>
</context>
<context>
    <name>NewProjectWizard</name>
    <message>
        <source>New project</source>
        <translation>Nuevo proyecto</translation>
    </message>
    <message>
        <source>Create project</source>
        <translation>Crear proyecto</translation>
    </message>
    <message>
        <source>Creating the project…</source>
        <translation>Creando el proyecto…</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>Sin título</translation>
    </message>
    <message>
        <source>The pasted screenplay: {problem}</source>
        <translation>El guion pegado: {problem}</translation>
    </message>
    <message>
        <source>Drama</source>
        <translation>Drama</translation>
    </message>
    <message>
        <source>Comedy</source>
        <translation>Comedia</translation>
    </message>
    <message>
        <source>Thriller</source>
        <translation>Suspense</translation>
    </message>
    <message>
        <source>Horror</source>
        <translation>Terror</translation>
    </message>
    <message>
        <source>Science fiction</source>
        <translation>Ciencia ficción</translation>
    </message>
    <message>
        <source>Fantasy</source>
        <translation>Fantasía</translation>
    </message>
    <message>
        <source>Romance</source>
        <translation>Romance</translation>
    </message>
    <message>
        <source>Mystery</source>
        <translation>Misterio</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Documentary</source>
        <translation>Documental</translation>
    </message>
    <message>
        <source>Animation</source>
        <translation>Animación</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>Horizontal</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>Vertical</translation>
    </message>
    <message>
        <source>Square</source>
        <translation>Cuadrado</translation>
    </message>
</context>
<context>
    <name>PipelinePanel</name>
    <message>
        <source>The plan is ready: review the storyboard, then Approve &amp; generate.</source>
        <translation>El plan está listo: revisa el storyboard y después pulsa Aprobar y generar.</translation>
    </message>
    <message>
        <source>Approve &amp;&amp; generate</source>
        <translation>Aprobar &amp;&amp; generar</translation>
    </message>
    <message>
        <source>Approve the plan and every draft scene, then start generating</source>
        <translation>Aprobar el plan y todas las escenas en borrador, y empezar a generar</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Empezar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Stop now. Finished scenes are kept; a scene that was rendering starts over when you resume.</source>
        <translation>Detener ahora. Las escenas terminadas se conservan; una escena que se estaba generando vuelve a empezar al reanudar.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Empezando…</translation>
    </message>
    <message>
        <source>Stopped. Finished work is kept: Resume continues.</source>
        <translation>Detenido. El trabajo terminado se conserva: Reanudar continúa.</translation>
    </message>
    <message>
        <source>The run failed: {error}</source>
        <translation>La ejecución falló: {error}</translation>
    </message>
    <message>
        <source>The plan is ready and waits for your approval.</source>
        <translation>El plan está listo y espera tu aprobación.</translation>
    </message>
    <message>
        <source>Finished: the film is ready.</source>
        <translation>Terminado: la película está lista.</translation>
    </message>
    <message>
        <source>Finished with warnings: scenes {numbers} failed.</source>
        <translation>Terminado con avisos: fallaron las escenas {numbers}.</translation>
    </message>
    <message>
        <source>The run failed: no scene could be rendered.</source>
        <translation>La ejecución falló: no se pudo generar ninguna escena.</translation>
    </message>
    <message>
        <source>Planning finished.</source>
        <translation>Planificación terminada.</translation>
    </message>
    <message>
        <source>Plan the production. Nothing is generated before you approve the plan.</source>
        <translation>Planificar la producción. No se genera nada antes de que apruebes el plan.</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>Ejecutar de nuevo</translation>
    </message>
    <message>
        <source>Render only scenes without a finished clip, then re-assemble if anything changed.</source>
        <translation>Generar solo las escenas sin clip terminado y volver a montar si algo cambió.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Continue where the last run stopped: finished work is kept.</source>
        <translation>Continuar donde se detuvo la última ejecución: el trabajo terminado se conserva.</translation>
    </message>
    <message>
        <source>Open or create a project.</source>
        <translation>Abre o crea un proyecto.</translation>
    </message>
    <message>
        <source>The forecast is known once the plan is ready: nothing is generated before you approve it.</source>
        <translation>La previsión se conoce cuando el plan esté listo: no se genera nada antes de que lo apruebes.</translation>
    </message>
    <message>
        <source>Planning</source>
        <translation>Planificación</translation>
    </message>
    <message>
        <source>Nothing left to render.</source>
        <translation>No queda nada por generar.</translation>
    </message>
    <message>
        <source>Still to render: {scenes} scenes, {seconds} of video.</source>
        <translation>Por generar: {scenes} escenas, {seconds} de vídeo.</translation>
    </message>
    <message>
        <source>Time: not measured yet (known after the first clip).</source>
        <translation>Tiempo: aún sin medir (se sabrá tras el primer clip).</translation>
    </message>
    <message>
        <source>Time: about {duration} (measured here).</source>
        <translation>Tiempo: unos {duration} (medido en este equipo).</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Coste</translation>
    </message>
    <message>
        <source>{label}: free (offline providers on this computer).</source>
        <translation>{label}: gratis (proveedores sin conexión en este ordenador).</translation>
    </message>
    <message>
        <source>{label}: about ${amount:.2f}.</source>
        <translation>{label}: unos {amount:.2f} $.</translation>
    </message>
    <message>
        <source>No price known for {names}: add one in Settings.</source>
        <translation>No se conoce el precio de {names}: añádelo en Ajustes.</translation>
    </message>
</context>
<context>
    <name>ProjectController</name>
    <message>
        <source>Created project “%s”</source>
        <translation>Proyecto «%s» creado</translation>
    </message>
    <message>
        <source>%d jobs may have been charged without a result and %d were set aside: see the Jobs panel</source>
        <translation>%d trabajos pueden haberse cobrado sin resultado y %d se apartaron: consulta el panel Trabajos</translation>
    </message>
    <message>
        <source>Job %s is sent again</source>
        <translation>El trabajo %s se envía de nuevo</translation>
    </message>
    <message>
        <source>Job %s is queued again: the next run (F5) sends it</source>
        <translation>El trabajo %s vuelve a la cola: la próxima ejecución (F5) lo envía</translation>
    </message>
    <message>
        <source>Plan approved (%d scenes)</source>
        <translation>Plan aprobado (%d escenas)</translation>
    </message>
    <message>
        <source>Scene %d keeps its clip: its first frame no longer matches</source>
        <translation>La escena %d conserva su clip: su primer fotograma ya no coincide</translation>
    </message>
    <message>
        <source>The new take renders on the next run</source>
        <translation>La nueva toma se generará en la próxima ejecución</translation>
    </message>
</context>
<context>
    <name>ProjectsPanel</name>
    <message>
        <source>New…</source>
        <translation>Nuevo…</translation>
    </message>
    <message>
        <source>New project from an idea, text or a screenplay (Ctrl+N)</source>
        <translation>Nuevo proyecto a partir de una idea, un texto o un guion (Ctrl+N)</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importar…</translation>
    </message>
    <message>
        <source>Import a Fountain screenplay (Ctrl+O)</source>
        <translation>Importar un guion Fountain (Ctrl+O)</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>borrador</translation>
    </message>
    <message>
        <source>plan to approve</source>
        <translation>plan por aprobar</translation>
    </message>
    <message>
        <source>running</source>
        <translation>en curso</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>terminado</translation>
    </message>
    <message>
        <source>finished, with warnings</source>
        <translation>terminado, con avisos</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falló</translation>
    </message>
</context>
<context>
    <name>SceneCardDelegate</name>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Rendering</source>
        <translation>Generando</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Lista</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallida</translation>
    </message>
    <message>
        <source>No image yet</source>
        <translation>Aún sin imagen</translation>
    </message>
    <message>
        <source>%.1f s</source>
        <translation>%.1f s</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s)</source>
        <translation>
            <numerusform>%n frase</numerusform>
            <numerusform>%n frases</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SceneInspector</name>
    <message>
        <source>Heading</source>
        <translation>Encabezado</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguna)</translation>
    </message>
    <message>
        <source>e.g. rain, fog</source>
        <translation>p. ej. lluvia, niebla</translation>
    </message>
    <message>
        <source>Int./Ext.</source>
        <translation>Int./Ext.</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Lugar</translation>
    </message>
    <message>
        <source>Time of day</source>
        <translation>Momento del día</translation>
    </message>
    <message>
        <source>Weather</source>
        <translation>Tiempo</translation>
    </message>
    <message>
        <source>Story</source>
        <translation>Historia</translation>
    </message>
    <message>
        <source>Names, separated by commas</source>
        <translation>Nombres, separados por comas</translation>
    </message>
    <message>
        <source>One beat per line</source>
        <translation>Un momento por línea</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>Personajes</translation>
    </message>
    <message>
        <source>Beats</source>
        <translation>Momentos</translation>
    </message>
    <message>
        <source>Shot</source>
        <translation>Plano</translation>
    </message>
    <message>
        <source>A continuation starts on the exact last frame of the scene just before it.</source>
        <translation>Una continuación empieza en el último fotograma exacto de la escena anterior.</translation>
    </message>
    <message>
        <source>What the camera sees</source>
        <translation>Lo que ve la cámara</translation>
    </message>
    <message>
        <source>Shot size</source>
        <translation>Tamaño de plano</translation>
    </message>
    <message>
        <source>Angle</source>
        <translation>Ángulo</translation>
    </message>
    <message>
        <source>Movement</source>
        <translation>Movimiento</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Continuity</source>
        <translation>Continuidad</translation>
    </message>
    <message>
        <source>Visual prompt</source>
        <translation>Descripción visual</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Revisión</translation>
    </message>
    <message>
        <source>What should change? (for Request changes)</source>
        <translation>¿Qué debe cambiar? (para Pedir cambios)</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Aprobar</translation>
    </message>
    <message>
        <source>Approve this scene (Ctrl+Enter)</source>
        <translation>Aprobar esta escena (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>Request changes</source>
        <translation>Pedir cambios</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <source>A locked scene is never regenerated in a batch</source>
        <translation>Una escena bloqueada nunca se regenera en lote</translation>
    </message>
    <message>
        <source>Select a scene to edit it</source>
        <translation>Selecciona una escena para editarla</translation>
    </message>
    <message>
        <source>Starts fresh</source>
        <translation>Empieza de cero</translation>
    </message>
    <message>
        <source>Continues from scene %d</source>
        <translation>Continúa desde la escena %d</translation>
    </message>
    <message>
        <source>Draft: not approved yet</source>
        <translation>Borrador: aún sin aprobar</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Aprobada</translation>
    </message>
    <message>
        <source>Changes requested</source>
        <translation>Cambios pedidos</translation>
    </message>
    <message>
        <source>rendered</source>
        <translation>generada</translation>
    </message>
    <message>
        <source>Scene %d</source>
        <translation>Escena %d</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Bloqueada</translation>
    </message>
    <message>
        <source>Too long: shorten the prompt to save it</source>
        <translation>Demasiado largo: acorta la descripción para guardarla</translation>
    </message>
    <message>
        <source>Write what should change, then press again</source>
        <translation>Escribe qué debe cambiar y vuelve a pulsar</translation>
    </message>
</context>
<context>
    <name>Seam</name>
    <message>
        <source>ok</source>
        <translation>bien</translation>
    </message>
    <message>
        <source>check</source>
        <translation>revisar</translation>
    </message>
    <message>
        <source>bad</source>
        <translation>mal</translation>
    </message>
    <message>
        <source>Seam %d · %s</source>
        <translation>Unión %d · %s</translation>
    </message>
    <message>
        <source>How well this scene&apos;s start image matches the previous scene&apos;s last frame.</source>
        <translation>Cuánto se parece la imagen inicial de esta escena al último fotograma de la escena anterior.</translation>
    </message>
    <message>
        <source>Score: %d of 100</source>
        <translation>Puntuación: %d de 100</translation>
    </message>
    <message>
        <source>Brightness drift: %.1f L*</source>
        <translation>Diferencia de brillo: %.1f L*</translation>
    </message>
    <message>
        <source>Colour drift: ΔE %.1f</source>
        <translation>Diferencia de color: ΔE %.1f</translation>
    </message>
    <message>
        <source>Sharpness: %d%% of the reference</source>
        <translation>Nitidez: %d%% de la referencia</translation>
    </message>
    <message>
        <source>The start image was colour-matched to fix the seam.</source>
        <translation>Se igualó el color de la imagen inicial para corregir la unión.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Planning (LLM)</source>
        <translation>Planificación (LLM)</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Imágenes</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Vídeo</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>Voz</translation>
    </message>
    <message>
        <source>Lip-sync</source>
        <translation>Sincronía labial</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>Música</translation>
    </message>
    <message>
        <source>USD per planning call</source>
        <translation>USD por llamada de planificación</translation>
    </message>
    <message>
        <source>USD per image</source>
        <translation>USD por imagen</translation>
    </message>
    <message>
        <source>USD per second of video</source>
        <translation>USD por segundo de vídeo</translation>
    </message>
    <message>
        <source>USD per 1,000 characters</source>
        <translation>USD por 1000 caracteres</translation>
    </message>
    <message>
        <source>USD per second of lip-sync</source>
        <translation>USD por segundo de sincronía labial</translation>
    </message>
    <message>
        <source>USD per second of music</source>
        <translation>USD por segundo de música</translation>
    </message>
    <message>
        <source>built-in (offline)</source>
        <translation>integrado (sin conexión)</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>integrado</translation>
    </message>
    <message>
        <source>${price} per second</source>
        <translation>{price} $ por segundo</translation>
    </message>
    <message>
        <source>${price} per image</source>
        <translation>{price} $ por imagen</translation>
    </message>
    <message>
        <source>${price} per megapixel</source>
        <translation>{price} $ por megapíxel</translation>
    </message>
    <message>
        <source>${price} per 1,000 characters</source>
        <translation>{price} $ por 1000 caracteres</translation>
    </message>
    <message>
        <source>Settings — providers and keys</source>
        <translation>Ajustes: proveedores y claves</translation>
    </message>
    <message>
        <source>list price</source>
        <translation>precio de lista</translation>
    </message>
    <message>
        <source>Use this role</source>
        <translation>Usar esta función</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modelo:</translation>
    </message>
    <message>
        <source>Base URL:</source>
        <translation>URL base:</translation>
    </message>
    <message>
        <source>Max concurrent jobs:</source>
        <translation>Trabajos simultáneos como máximo:</translation>
    </message>
    <message>
        <source>Min interval between starts:</source>
        <translation>Intervalo mínimo entre inicios:</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>Precio:</translation>
    </message>
    <message>
        <source>No secure key storage available — keys cannot be saved.</source>
        <translation>No hay almacenamiento seguro de claves: no se pueden guardar claves.</translation>
    </message>
    <message>
        <source>Install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager). Keys are never written to disk in plain text.</source>
        <translation>Instala y desbloquea un llavero (GNOME Keyring, KWallet, Llavero de macOS o Administrador de credenciales de Windows). Las claves nunca se escriben en disco en texto plano.</translation>
    </message>
    <message>
        <source>No pipeline step uses lip-sync yet: this choice is kept for a later version.</source>
        <translation>Ningún paso del proceso usa aún la sincronización labial: esta elección se guarda para una versión posterior.</translation>
    </message>
    <message>
        <source>{name} cannot serve this role in this version: a run with it selected stops before anything is sent.</source>
        <translation>{name} no puede cubrir esta función en esta versión: una ejecución con él elegido se detiene antes de enviar nada.</translation>
    </message>
    <message>
        <source>free: runs on this computer</source>
        <translation>gratis: funciona en este ordenador</translation>
    </message>
    <message>
        <source>List price for {model}: {price}.</source>
        <translation>Precio de lista de {model}: {price}.</translation>
    </message>
    <message>
        <source>No list price for {model}: type one, or the forecast shows it as unpriced.</source>
        <translation>{model} no tiene precio de lista: escribe uno, o la previsión lo mostrará sin precio.</translation>
    </message>
    <message>
        <source>Plain http sends the key unencrypted: use https.</source>
        <translation>http sin cifrar envía la clave en claro: usa https.</translation>
    </message>
    <message>
        <source>The base URL must start with https://</source>
        <translation>La URL base debe empezar por https://</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Guardado.</translation>
    </message>
</context>
<context>
    <name>SourcePage</name>
    <message>
        <source>What is the film?</source>
        <translation>¿De qué trata la película?</translation>
    </message>
    <message>
        <source>Start from an idea, paste a screenplay, or open a Fountain file.</source>
        <translation>Empieza con una idea, pega un guion o abre un archivo Fountain.</translation>
    </message>
    <message>
        <source>Optional: taken from the screenplay if empty</source>
        <translation>Opcional: si se deja vacío, se toma del guion</translation>
    </message>
    <message>
        <source>An idea</source>
        <translation>Una idea</translation>
    </message>
    <message>
        <source>Paste a screenplay (Fountain text)</source>
        <translation>Pegar un guion (texto Fountain)</translation>
    </message>
    <message>
        <source>A Fountain file</source>
        <translation>Un archivo Fountain</translation>
    </message>
    <message>
        <source>A lighthouse keeper finds a message in a bottle that predicts tomorrow…</source>
        <translation>Una farera encuentra un mensaje en una botella que predice el día de mañana…</translation>
    </message>
    <message>
        <source>Path to a .fountain file</source>
        <translation>Ruta de un archivo .fountain</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Título:</translation>
    </message>
    <message>
        <source>Describe the film in a sentence or more.</source>
        <translation>Describe la película en una frase o más.</translation>
    </message>
    <message>
        <source>Paste the screenplay text.</source>
        <translation>Pega el texto del guion.</translation>
    </message>
    <message>
        <source>File not found: {path}</source>
        <translation>No se encuentra el archivo: {path}</translation>
    </message>
    <message>
        <source>{name} is not a Fountain screenplay (.fountain, .spmd or .txt).</source>
        <translation>{name} no es un guion Fountain (.fountain, .spmd o .txt).</translation>
    </message>
    <message>
        <source>Open a screenplay</source>
        <translation>Abrir un guion</translation>
    </message>
    <message>
        <source>Fountain (*.fountain *.spmd *.txt)</source>
        <translation>Fountain (*.fountain *.spmd *.txt)</translation>
    </message>
</context>
<context>
    <name>StepsModel</name>
    <message>
        <source>Check providers</source>
        <translation>Comprobar proveedores</translation>
    </message>
    <message>
        <source>Plan the production</source>
        <translation>Planificar la producción</translation>
    </message>
    <message>
        <source>Visual bible</source>
        <translation>Biblia visual</translation>
    </message>
    <message>
        <source>Screenplay</source>
        <translation>Guion</translation>
    </message>
    <message>
        <source>Characters</source>
        <translation>Personajes</translation>
    </message>
    <message>
        <source>Reference images</source>
        <translation>Imágenes de referencia</translation>
    </message>
    <message>
        <source>Video clips</source>
        <translation>Clips de vídeo</translation>
    </message>
    <message>
        <source>Dialogue audio</source>
        <translation>Audio de los diálogos</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>Música</translation>
    </message>
    <message>
        <source>Assemble the film</source>
        <translation>Montar la película</translation>
    </message>
    <message>
        <source>Poster and thumbnail</source>
        <translation>Póster y miniatura</translation>
    </message>
    <message>
        <source>Finalize</source>
        <translation>Finalizar</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En curso</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falló</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Omitido</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detalle</translation>
    </message>
</context>
<context>
    <name>StoryboardView</name>
    <message>
        <source>All scenes</source>
        <translation>Todas las escenas</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendientes</translation>
    </message>
    <message>
        <source>Rendering</source>
        <translation>Generándose</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Listas</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallidas</translation>
    </message>
    <message>
        <source>Not approved</source>
        <translation>Sin aprobar</translation>
    </message>
    <message>
        <source>Changes requested</source>
        <translation>Con cambios pedidos</translation>
    </message>
    <message>
        <source>Smaller cards (Ctrl+-)</source>
        <translation>Tarjetas más pequeñas (Ctrl+-)</translation>
    </message>
    <message>
        <source>Bigger cards (Ctrl+=)</source>
        <translation>Tarjetas más grandes (Ctrl+=)</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Mostrar:</translation>
    </message>
    <message>
        <source>%d scenes · %d:%02d</source>
        <translation>%d escenas · %d:%02d</translation>
    </message>
    <message>
        <source>%d of %s</source>
        <translation>%d de %s</translation>
    </message>
    <message>
        <source>Move scenes</source>
        <translation>Mover escenas</translation>
    </message>
    <message>
        <source>Insert scene</source>
        <translation>Insertar escena</translation>
    </message>
    <message>
        <source>Duplicate scene</source>
        <translation>Duplicar escena</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n scene(s)</source>
        <translation>
            <numerusform>Eliminar %n escena</numerusform>
            <numerusform>Eliminar %n escenas</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TakesStrip</name>
    <message>
        <source>Takes</source>
        <translation>Tomas</translation>
    </message>
    <message>
        <source>Regenerate image</source>
        <translation>Regenerar imagen</translation>
    </message>
    <message>
        <source>New start image and clip for this scene</source>
        <translation>Nueva imagen inicial y nuevo clip para esta escena</translation>
    </message>
    <message>
        <source>Regenerate clip</source>
        <translation>Regenerar clip</translation>
    </message>
    <message>
        <source>New clip from the same start image (Ctrl+R)</source>
        <translation>Nuevo clip a partir de la misma imagen inicial (Ctrl+R)</translation>
    </message>
    <message>
        <source>Takes (%d)</source>
        <translation>Tomas (%d)</translation>
    </message>
    <message>
        <source>No takes yet</source>
        <translation>Aún no hay tomas</translation>
    </message>
    <message>
        <source>clip</source>
        <translation>clip</translation>
    </message>
    <message>
        <source>no clip yet</source>
        <translation>aún sin clip</translation>
    </message>
    <message>
        <source>Take %d</source>
        <translation>Toma %d</translation>
    </message>
    <message>
        <source>cost %.2f</source>
        <translation>coste %.2f</translation>
    </message>
    <message>
        <source>Regenerate scene %d</source>
        <translation>Regenerar la escena %d</translation>
    </message>
    <message>
        <source>Scenes %s start on this scene&apos;s last frame.</source>
        <translation>Las escenas %s empiezan en el último fotograma de esta escena.</translation>
    </message>
    <message>
        <source>Regenerate them too, so every seam stays exact? If you keep them, their first frames will no longer match this scene&apos;s new ending.</source>
        <translation>¿Regenerarlas también, para que todas las uniones sigan siendo exactas? Si las conservas, sus primeros fotogramas ya no coincidirán con el nuevo final de esta escena.</translation>
    </message>
    <message>
        <source>Regenerate all</source>
        <translation>Regenerar todas</translation>
    </message>
    <message>
        <source>Keep the others</source>
        <translation>Conservar las demás</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Something went wrong:
%s</source>
        <translation>Algo salió mal:
%s</translation>
    </message>
</context>
<context>
    <name>self.window</name>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
</context>
</TS>
