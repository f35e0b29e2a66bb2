(function(){
if('serviceWorker' in navigator){navigator.serviceWorker.register('/m/sw.js',{scope:'/m/'}).then(function(){
if(window.caches&&document.getElementById('onsite'))caches.open('onsite-v1').then(function(c){c.add(location.pathname)}).catch(function(){});}).catch(function(){});}
var f=document.getElementById('onsite');if(!f)return;
var K='onsite:'+f.getAttribute('data-draft'),KF=K+':files',msg=document.getElementById('draftmsg'),btn=document.getElementById('send');
var files=[],busy=false;
function say(t,bad){msg.textContent=t;msg.className=bad?'err':'ok';msg.hidden=!t;}
function fields(){return Array.prototype.slice.call(f.elements).filter(function(e){return e.name&&e.type!=='file'&&e.type!=='submit';});}
function toggle(){fields().forEach(function(e){if(e.type==='radio'&&e.name.indexOf('a_')===0){var p=document.getElementById('pw_'+e.name.slice(2));if(p){var on=f.querySelector('input[name="'+e.name+'"]:checked');p.hidden=!(on&&on.value==='不符合');}}});}
function save(){var d={};fields().forEach(function(e){if(e.type==='checkbox'||e.type==='radio'){d[e.name]=d[e.name]||[];if(e.checked)d[e.name].push(e.value);}else d[e.name]=[e.value];});
d._at=new Date().toLocaleTimeString('zh-CN',{hour12:false});try{localStorage.setItem(K,JSON.stringify(d));}catch(x){}}
function thumbs(){var t=document.getElementById('thumbs');t.textContent='';files.forEach(function(x){if(x.type.indexOf('image/')===0){var i=document.createElement('img');i.src=x.data;i.alt=x.name;t.appendChild(i);}else{var s=document.createElement('span');s.textContent=x.name;t.appendChild(s);}});
document.getElementById('nfiles').textContent=files.length?('已选 '+files.length+' 个文件'):'';}
function keepFiles(){try{localStorage.setItem(KF,JSON.stringify(files));return true;}catch(x){say('照片较大，未能存入本机草稿：断网刷新后需重新选择照片',true);return false;}}
function restore(){var d;try{d=JSON.parse(localStorage.getItem(K)||'null');files=JSON.parse(localStorage.getItem(KF)||'[]');}catch(x){d=null;files=[];}
if(d){fields().forEach(function(e){if(!(e.name in d))return;if(e.type==='checkbox'||e.type==='radio')e.checked=d[e.name].indexOf(e.value)>=0;else e.value=d[e.name][0];});
say('已恢复本机草稿（'+d._at+' 保存）'+(files.length?'，含 '+files.length+' 个文件':''));document.getElementById('discard').hidden=false;}thumbs();}
function blob(x){var b=atob(x.data.split(',')[1]),a=new Uint8Array(b.length);for(var i=0;i<b.length;i++)a[i]=b.charCodeAt(i);return new Blob([a],{type:x.type});}
restore();toggle();
f.addEventListener('input',function(){toggle();save();});f.addEventListener('change',function(e){if(e.target.type!=='file'){toggle();save();return;}
var inp=e.target,list=Array.prototype.slice.call(inp.files),n=list.length;list.forEach(function(file){var r=new FileReader();r.onload=function(){files.push({kind:inp.name,name:file.name,type:file.type||'application/octet-stream',data:r.result});
if(--n===0){inp.value='';keepFiles();thumbs();save();}};r.readAsDataURL(file);});});
document.getElementById('discard').addEventListener('click',function(){localStorage.removeItem(K);localStorage.removeItem(KF);location.reload();});
f.addEventListener('submit',function(e){e.preventDefault();if(busy)return;busy=true;btn.disabled=true;save();say('正在提交…');
var fd=new FormData(f);fd.delete('photo');fd.delete('document');files.forEach(function(x){fd.append(x.kind,blob(x),x.name);});
fetch(f.action,{method:'POST',body:fd,credentials:'same-origin'}).then(function(r){if(r.ok){localStorage.removeItem(K);localStorage.removeItem(KF);location.href=r.url;return;}
return r.text().then(function(t){var m=new DOMParser().parseFromString(t,'text/html').querySelector('.err');say(m?m.textContent:('提交未成功（'+r.status+'）'),true);busy=false;btn.disabled=false;});})
.catch(function(){say('网络不可用：草稿已保存在本机，恢复网络后再点“提交”',true);busy=false;btn.disabled=false;});});
})();
